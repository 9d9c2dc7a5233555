package org.miroir.dicom.net;

import org.miroir.dicom.data.UID;
import io.vertx.core.net.ClientSSLOptions;
import org.miroir.dicom.data.Implementation;
import org.miroir.dicom.net.pdu.AAssociateRQ;
import org.miroir.dicom.net.pdu.AsyncOpsWindow;
import org.miroir.dicom.net.pdu.CommonExtendedNegotiation;
import org.miroir.dicom.net.pdu.ExtendedNegotiation;
import org.miroir.dicom.net.pdu.PresentationContextRQ;
import org.miroir.dicom.net.pdu.RoleSelection;
import org.miroir.dicom.net.pdu.UserIdentityRQ;
import org.miroir.dicom.net.pdu.UserInformation;

import java.util.ArrayList;
import java.util.List;

/**
 * What an SCU proposes: AE titles, presentation contexts (ids assigned 1, 3, 5...), role selections, extended
 * negotiation, user identity, and TLS for the connection. Max PDU length and the asynchronous operations window
 * come from the client's {@link AssociationOptions}.
 */
public final class AssociationRequest {
    private final String callingAETitle;
    private final String calledAETitle;
    private final List<PresentationContextRQ> presentationContexts = new ArrayList<>();
    private final List<RoleSelection> roleSelections = new ArrayList<>();
    private final List<ExtendedNegotiation> extendedNegotiations = new ArrayList<>();
    private final List<CommonExtendedNegotiation> commonExtendedNegotiations = new ArrayList<>();
    private UserIdentityRQ userIdentity;
    private ClientSSLOptions tls;

    public AssociationRequest(String callingAETitle, String calledAETitle) {
        this.callingAETitle = callingAETitle;
        this.calledAETitle = calledAETitle;
    }

    public String callingAETitle() { return callingAETitle; }

    public String calledAETitle() { return calledAETitle; }

    /** Proposes one presentation context; returns its id. At most 128 contexts (PS3.8 9.3.2.2: odd ids 1-255). */
    public int addPresentationContext(String abstractSyntax, String... transferSyntaxes) {
        if (presentationContexts.size() >= 128) throw new IllegalStateException("at most 128 presentation contexts");
        if (transferSyntaxes.length == 0) throw new IllegalArgumentException("no transfer syntax");
        int id = presentationContexts.size() * 2 + 1;
        presentationContexts.add(new PresentationContextRQ(id, abstractSyntax, List.of(transferSyntaxes)));
        return id;
    }

    /** Offers to play the given roles for a SOP class, e.g. {@code (storage class, false, true)} to receive C-GET sub-operations. */
    public AssociationRequest addRoleSelection(String sopClassUid, boolean scu, boolean scp) {
        roleSelections.add(new RoleSelection(sopClassUid, scu, scp));
        return this;
    }

    public AssociationRequest addExtendedNegotiation(String sopClassUid, byte[] info) {
        extendedNegotiations.add(new ExtendedNegotiation(sopClassUid, info));
        return this;
    }

    public AssociationRequest addCommonExtendedNegotiation(CommonExtendedNegotiation cen) {
        commonExtendedNegotiations.add(cen);
        return this;
    }

    public AssociationRequest setUserIdentity(UserIdentityRQ identity) {
        this.userIdentity = identity;
        return this;
    }

    /**
     * Connect with TLS using these options (trust, client key for mutual authentication...); null (the default) for
     * plain TCP. Vert.x wants the hostname verification algorithm set: "HTTPS" checks the peer certificate's names,
     * "" does not.
     */
    public AssociationRequest setTls(ClientSSLOptions tls) {
        this.tls = tls;
        return this;
    }

    public ClientSSLOptions tls() { return tls; }

    public List<PresentationContextRQ> presentationContexts() { return List.copyOf(presentationContexts); }

    AAssociateRQ toPdu(AssociationOptions options) {
        if (presentationContexts.isEmpty()) throw new IllegalStateException("no presentation context proposed");
        AsyncOpsWindow window = options.getMaxOpsInvoked() == 1 && options.getMaxOpsPerformed() == 1 ? null
                : new AsyncOpsWindow(options.getMaxOpsInvoked(), options.getMaxOpsPerformed());
        UserInformation ui = new UserInformation(options.getMaxPduLengthReceive(), Implementation.CLASS_UID,
                Implementation.VERSION_NAME, window, roleSelections, extendedNegotiations, commonExtendedNegotiations,
                userIdentity, null);
        return new AAssociateRQ(1, calledAETitle, callingAETitle, UID.DICOMApplicationContext,
                presentationContexts, ui);
    }
}
