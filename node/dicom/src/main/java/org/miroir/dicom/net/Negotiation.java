package org.miroir.dicom.net;

import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.Implementation;
import org.miroir.dicom.net.pdu.AAssociateAC;
import org.miroir.dicom.net.pdu.AAssociateRJ;
import org.miroir.dicom.net.pdu.AAssociateRQ;
import org.miroir.dicom.net.pdu.AsyncOpsWindow;
import org.miroir.dicom.net.pdu.PresentationContextAC;
import org.miroir.dicom.net.pdu.PresentationContextRQ;
import org.miroir.dicom.net.pdu.RoleSelection;
import org.miroir.dicom.net.pdu.UserIdentityAC;
import org.miroir.dicom.net.pdu.UserInformation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The acceptor's decisions (PS3.8 7.1.1, PS3.7 D.3.3): whether to accept at all, and each presentation context. */
final class Negotiation {
    private Negotiation() {}

    /** The A-ASSOCIATE-RJ for a request this AE refuses outright, or null. Called AE lookup happens before. */
    static AAssociateRJ check(ApplicationEntity ae, AAssociateRQ rq, String remoteHost) {
        if ((rq.protocolVersion() & 1) == 0) return AAssociateRJ.protocolVersionNotSupported();
        if (!UID.DICOMApplicationContext.equals(rq.applicationContext())) return AAssociateRJ.applicationContextNotSupported();
        if (!ae.isAcceptedCallingAETitle(rq.callingAETitle())) return AAssociateRJ.callingAETitleNotRecognized();
        if (!ae.isAcceptedHost(remoteHost)) return AAssociateRJ.noReasonGiven();
        ApplicationEntity.CallerCheck caller = ae.getCallerCheck();
        return caller == null ? null : caller.check(rq.callingAETitle(), remoteHost);
    }

    /**
     * The A-ASSOCIATE-AC: each presentation context accepted with the first of our transfer syntaxes the proposer
     * offered, or rejected with abstract-syntax-not-supported (3) / transfer-syntaxes-not-supported (4); role
     * selections answered with the roles we accept; the asynchronous operations window cut to ours.
     */
    static AAssociateAC accept(ApplicationEntity ae, AAssociateRQ rq, AssociationOptions options, UserIdentityAC identity) {
        UserInformation rqui = rq.userInformation();
        List<PresentationContextAC> pcs = new ArrayList<>(rq.presentationContexts().size());
        Map<String, RoleSelection> roles = new LinkedHashMap<>();
        for (PresentationContextRQ pc : rq.presentationContexts()) {
            String as = pc.abstractSyntax();
            TransferCapability scp = ae.transferCapability(as, TransferCapability.Role.SCP);
            TransferCapability scu = ae.transferCapability(as, TransferCapability.Role.SCU);
            RoleSelection proposed = rqui.roleSelectionFor(as);
            boolean requestorScu, requestorScp;
            if (proposed == null) {
                requestorScu = scp != null;
                requestorScp = false;
            } else {
                requestorScu = proposed.scu() && scp != null;
                requestorScp = proposed.scp() && scu != null;
            }
            if (!requestorScu && !requestorScp) {
                pcs.add(new PresentationContextAC(pc.id(), PresentationContextAC.ABSTRACT_SYNTAX_NOT_SUPPORTED, null));
                continue;
            }
            String ts = null;
            if (requestorScu) ts = scp.select(pc.transferSyntaxes());
            if (ts == null && requestorScp) ts = scu.select(pc.transferSyntaxes());
            if (ts == null) {
                pcs.add(new PresentationContextAC(pc.id(), PresentationContextAC.TRANSFER_SYNTAXES_NOT_SUPPORTED, null));
                continue;
            }
            pcs.add(new PresentationContextAC(pc.id(), PresentationContextAC.ACCEPTANCE, ts));
            if (proposed != null) roles.putIfAbsent(as, new RoleSelection(as, requestorScu, requestorScp));
        }
        AsyncOpsWindow window = null;
        if (rqui.asyncOpsWindow() != null) {
            AsyncOpsWindow w = rqui.asyncOpsWindow();
            window = new AsyncOpsWindow(min0(w.maxOpsPerformed(), options.getMaxOpsInvoked()),
                    min0(w.maxOpsInvoked(), options.getMaxOpsPerformed()));
        }
        UserInformation ui = new UserInformation(options.getMaxPduLengthReceive(), Implementation.CLASS_UID,
                Implementation.VERSION_NAME, window, new ArrayList<>(roles.values()), List.of(), List.of(), null, identity);
        return new AAssociateAC(1, rq.calledAETitle(), rq.callingAETitle(), UID.DICOMApplicationContext, pcs, ui);
    }

    /** The smaller of two window sizes where 0 means unlimited. */
    private static int min0(int a, int b) {
        if (a == 0) return b;
        if (b == 0) return a;
        return Math.min(a, b);
    }
}
