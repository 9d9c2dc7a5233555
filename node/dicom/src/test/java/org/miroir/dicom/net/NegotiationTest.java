package org.miroir.dicom.net;

import org.junit.jupiter.api.Test;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.net.pdu.AAssociateAC;
import org.miroir.dicom.net.pdu.AAssociateRJ;
import org.miroir.dicom.net.pdu.AAssociateRQ;
import org.miroir.dicom.net.pdu.AsyncOpsWindow;
import org.miroir.dicom.net.pdu.PresentationContextAC;
import org.miroir.dicom.net.pdu.PresentationContextRQ;
import org.miroir.dicom.net.pdu.RoleSelection;
import org.miroir.dicom.net.pdu.UserInformation;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NegotiationTest {
    static final String CT = UID.CTImageStorage;
    static final String IMPLICIT = UID.ImplicitVRLittleEndian, EXPLICIT = UID.ExplicitVRLittleEndian, BIG = UID.ExplicitVRBigEndian;

    static AAssociateRQ rq(List<PresentationContextRQ> pcs, List<RoleSelection> roles, AsyncOpsWindow window) {
        return new AAssociateRQ(1, "SCP", "SCU", UID.DICOMApplicationContext, pcs,
                new UserInformation(16384, "1.2.3", null, window, roles, List.of(), List.of(), null, null));
    }

    @Test
    void scpTakesTheFirstOfItsOwnSyntaxesThatWasOffered() {
        ApplicationEntity ae = new ApplicationEntity("SCP").addTransferCapability(TransferCapability.scp(CT, EXPLICIT, IMPLICIT));
        AAssociateAC ac = Negotiation.accept(ae, rq(List.of(
                new PresentationContextRQ(1, CT, List.of(IMPLICIT, EXPLICIT)),
                new PresentationContextRQ(3, CT, List.of(BIG)),
                new PresentationContextRQ(5, UID.MRImageStorage, List.of(IMPLICIT))), List.of(), null), new AssociationOptions(), null);
        assertThat(ac.presentationContext(1)).isEqualTo(new PresentationContextAC(1, 0, EXPLICIT));
        assertThat(ac.presentationContext(3).result()).isEqualTo(PresentationContextAC.TRANSFER_SYNTAXES_NOT_SUPPORTED);
        assertThat(ac.presentationContext(5).result()).isEqualTo(PresentationContextAC.ABSTRACT_SYNTAX_NOT_SUPPORTED);
        assertThat(ac.userInformation().roleSelections()).isEmpty();
        assertThat(ac.userInformation().asyncOpsWindow()).isNull();
    }

    @Test
    void wildcardsAcceptAnySopClassAndTheProposersFirstSyntax() {
        ApplicationEntity ae = new ApplicationEntity("SCP").addTransferCapability(TransferCapability.scp("*", "*"));
        AAssociateAC ac = Negotiation.accept(ae, rq(List.of(new PresentationContextRQ(1, CT, List.of(UID.JPEGBaseline8Bit, EXPLICIT))),
                List.of(), null), new AssociationOptions(), null);
        assertThat(ac.presentationContext(1).transferSyntax()).isEqualTo(UID.JPEGBaseline8Bit);
    }

    @Test
    void roleSelectionIsHonoured() {
        ApplicationEntity scuToo = new ApplicationEntity("SCP").addTransferCapability(TransferCapability.scu(CT, EXPLICIT));
        AAssociateRQ wantsScp = rq(List.of(new PresentationContextRQ(1, CT, List.of(EXPLICIT))), List.of(new RoleSelection(CT, false, true)), null);
        AAssociateAC ac = Negotiation.accept(scuToo, wantsScp, new AssociationOptions(), null);
        assertThat(ac.presentationContext(1).isAccepted()).isTrue();
        assertThat(ac.userInformation().roleSelections()).containsExactly(new RoleSelection(CT, false, true));

        ApplicationEntity scpOnly = new ApplicationEntity("SCP").addTransferCapability(TransferCapability.scp(CT, EXPLICIT));
        ac = Negotiation.accept(scpOnly, wantsScp, new AssociationOptions(), null);
        assertThat(ac.presentationContext(1).result()).isEqualTo(PresentationContextAC.ABSTRACT_SYNTAX_NOT_SUPPORTED);

        AAssociateRQ both = rq(List.of(new PresentationContextRQ(1, CT, List.of(EXPLICIT))), List.of(new RoleSelection(CT, true, true)), null);
        ac = Negotiation.accept(scpOnly, both, new AssociationOptions(), null);
        assertThat(ac.userInformation().roleSelections()).containsExactly(new RoleSelection(CT, true, false));
    }

    @Test
    void asyncWindowIsCutToOurs() {
        ApplicationEntity ae = new ApplicationEntity("SCP").addTransferCapability(TransferCapability.scp(CT, EXPLICIT));
        AAssociateRQ r = rq(List.of(new PresentationContextRQ(1, CT, List.of(EXPLICIT))), List.of(), new AsyncOpsWindow(0, 5));
        AAssociateAC ac = Negotiation.accept(ae, r, new AssociationOptions().setMaxOpsInvoked(2).setMaxOpsPerformed(8), null);
        // AC invoked = what we may invoke = min(their performed 5, our 2); AC performed = min(their invoked 0=any, our 8).
        assertThat(ac.userInformation().asyncOpsWindow()).isEqualTo(new AsyncOpsWindow(2, 8));
    }

    @Test
    void rejections() {
        ApplicationEntity ae = new ApplicationEntity("SCP").setAcceptedCallingAETitles("GOOD").setAcceptedHosts(List.of("10.0.0.1"));
        AAssociateRQ r = rq(List.of(new PresentationContextRQ(1, CT, List.of(EXPLICIT))), List.of(), null);
        assertThat(Negotiation.check(ae, r, "10.0.0.1")).isEqualTo(AAssociateRJ.callingAETitleNotRecognized());
        AAssociateRQ good = new AAssociateRQ(1, "SCP", "GOOD", UID.DICOMApplicationContext, r.presentationContexts(), r.userInformation());
        assertThat(Negotiation.check(ae, good, "10.0.0.1")).isNull();
        assertThat(Negotiation.check(ae, good, "127.0.0.1")).isEqualTo(AAssociateRJ.noReasonGiven());
        AAssociateRQ badContext = new AAssociateRQ(1, "SCP", "GOOD", "1.2.3", r.presentationContexts(), r.userInformation());
        assertThat(Negotiation.check(ae, badContext, "10.0.0.1")).isEqualTo(new AAssociateRJ(1, 1, 2));
        AAssociateRQ badVersion = new AAssociateRQ(2, "SCP", "GOOD", UID.DICOMApplicationContext, r.presentationContexts(), r.userInformation());
        assertThat(Negotiation.check(ae, badVersion, "10.0.0.1")).isEqualTo(new AAssociateRJ(1, 2, 2));
        ae.setCallerCheck((aet, host) -> aet.equals("GOOD") && host.equals("10.0.0.1") ? AAssociateRJ.localLimitExceeded() : null);
        assertThat(Negotiation.check(ae, good, "10.0.0.1")).isEqualTo(AAssociateRJ.localLimitExceeded());
        assertThat(Negotiation.check(ae, r, "10.0.0.1")).as("the lists decide first")
                .isEqualTo(AAssociateRJ.callingAETitleNotRecognized());
    }
}
