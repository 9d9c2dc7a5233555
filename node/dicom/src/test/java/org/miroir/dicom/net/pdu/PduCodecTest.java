package org.miroir.dicom.net.pdu;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PduCodecTest {

    static UserInformation fullUserInformation() {
        return new UserInformation(16384, "1.2.3.4", "MIROIR_TEST", new AsyncOpsWindow(5, 3),
                List.of(new RoleSelection("1.2.840.10008.5.1.4.1.1.2", false, true)),
                List.of(new ExtendedNegotiation("1.2.840.10008.5.1.4.1.2.2.1", new byte[] {1, 0, 1})),
                List.of(new CommonExtendedNegotiation("1.2.840.10008.5.1.4.1.1.88.22", "1.2.840.10008.4.2",
                        List.of("1.2.840.10008.5.1.4.1.1.88.11", "1.2.840.10008.5.1.4.1.1.88.33"))),
                UserIdentityRQ.usernamePasscode("alice", "s3cret".toCharArray(), true), null);
    }

    private static Pdu roundTrip(Pdu pdu) throws PduException {
        Buffer b = PduCodec.encode(pdu);
        assertThat((int) b.getUnsignedByte(0)).isEqualTo(pdu.type());
        assertThat(b.getUnsignedInt(2)).isEqualTo(b.length() - 6L);
        return PduCodec.decode(pdu.type(), b.slice(6, b.length()));
    }

    @Test
    void associateRequestWithEveryItem() throws Exception {
        AAssociateRQ rq = new AAssociateRQ(1, "CALLED", "CALLING", "1.2.840.10008.3.1.1.1",
                List.of(new PresentationContextRQ(1, "1.2.840.10008.1.1", List.of("1.2.840.10008.1.2")),
                        new PresentationContextRQ(3, "1.2.840.10008.5.1.4.1.1.2", List.of("1.2.840.10008.1.2.1", "1.2.840.10008.1.2"))),
                fullUserInformation());
        assertThat(roundTrip(rq)).isEqualTo(rq);
    }

    @Test
    void associateAcceptWithResultsAndIdentityResponse() throws Exception {
        UserInformation ui = new UserInformation(0, "1.2.3", null, null, List.of(new RoleSelection("1.2.840.10008.5.1.4.1.1.2", false, true)),
                List.of(), List.of(), null, new UserIdentityAC(new byte[] {'o', 'k'}));
        AAssociateAC ac = new AAssociateAC(1, "CALLED", "CALLING", "1.2.840.10008.3.1.1.1",
                List.of(new PresentationContextAC(1, PresentationContextAC.ACCEPTANCE, "1.2.840.10008.1.2"),
                        new PresentationContextAC(3, PresentationContextAC.ABSTRACT_SYNTAX_NOT_SUPPORTED, null),
                        new PresentationContextAC(5, PresentationContextAC.TRANSFER_SYNTAXES_NOT_SUPPORTED, null)), ui);
        assertThat(roundTrip(ac)).isEqualTo(ac);
    }

    @Test
    void fixedLengthPdus() throws Exception {
        assertThat(roundTrip(new AAssociateRJ(1, 1, 7))).isEqualTo(new AAssociateRJ(1, 1, 7));
        assertThat(roundTrip(AReleaseRQ.INSTANCE)).isEqualTo(AReleaseRQ.INSTANCE);
        assertThat(roundTrip(AReleaseRP.INSTANCE)).isEqualTo(AReleaseRP.INSTANCE);
        assertThat(roundTrip(AAbort.byProvider(AAbort.UNEXPECTED_PDU))).isEqualTo(new AAbort(2, 2));
        assertThat(PduCodec.encode(new AAssociateRJ(2, 3, 2)).getBytes()).containsExactly(new byte[] {3, 0, 0, 0, 0, 4, 0, 2, 3, 2});
    }

    @Test
    void pDataWithSeveralPdvs() throws Exception {
        PDataTF p = new PDataTF(List.of(
                new PDV(1, true, true, Buffer.buffer(new byte[] {1, 2, 3, 4})),
                new PDV(1, false, false, Buffer.buffer(new byte[] {5, 6})),
                new PDV(3, false, true, Buffer.buffer(new byte[0]))));
        PDataTF back = (PDataTF) roundTrip(p);
        assertThat(back.pdvs()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            PDV a = p.pdvs().get(i), b = back.pdvs().get(i);
            assertThat(b.pcid()).isEqualTo(a.pcid());
            assertThat(b.command()).isEqualTo(a.command());
            assertThat(b.last()).isEqualTo(a.last());
            assertThat(b.data().getBytes()).isEqualTo(a.data().getBytes());
        }
    }

    @Test
    void aeTitlesArePaddedAndTrimmed() throws Exception {
        AAssociateRQ rq = new AAssociateRQ(1, "A", "B", "1.2.840.10008.3.1.1.1",
                List.of(new PresentationContextRQ(1, "1.2.840.10008.1.1", List.of("1.2.840.10008.1.2"))),
                new UserInformation(16384, "1.2", null, null, List.of(), List.of(), List.of(), null, null));
        Buffer b = PduCodec.encode(rq);
        assertThat(b.getString(10, 26)).isEqualTo("A               ");
        assertThat(((AAssociateRQ) PduCodec.decode(1, b.slice(6, b.length()))).calledAETitle()).isEqualTo("A");
    }

    @Test
    void itemLongerThanItsPduFails() {
        Buffer b = PduCodec.encode(new AAssociateRQ(1, "A", "B", "1.2.840.10008.3.1.1.1",
                List.of(new PresentationContextRQ(1, "1.2.840.10008.1.1", List.of("1.2.840.10008.1.2"))),
                new UserInformation(16384, "1.2", null, null, List.of(), List.of(), List.of(), null, null)));
        Buffer cut = b.getBuffer(6, b.length() - 5); // the user information item now claims more than is left
        assertThatThrownBy(() -> PduCodec.decode(1, cut)).isInstanceOf(PduException.class)
                .satisfies(e -> assertThat(((PduException) e).abortReason()).isEqualTo(AAbort.INVALID_PDU_PARAMETER_VALUE));
    }

    @Test
    void unknownItemAndMissingParts() {
        Buffer unknown = Buffer.buffer().appendUnsignedShort(1).appendUnsignedShort(0).appendBytes(new byte[64])
                .appendByte((byte) 0x77).appendByte((byte) 0).appendUnsignedShort(0);
        assertThatThrownBy(() -> PduCodec.decode(1, unknown)).isInstanceOf(PduException.class)
                .satisfies(e -> assertThat(((PduException) e).abortReason()).isEqualTo(AAbort.UNRECOGNIZED_PDU_PARAMETER));
        Buffer noItems = Buffer.buffer().appendUnsignedShort(1).appendUnsignedShort(0).appendBytes(new byte[64]);
        assertThatThrownBy(() -> PduCodec.decode(1, noItems)).isInstanceOf(PduException.class);
        assertThatThrownBy(() -> PduCodec.decode(5, Buffer.buffer(new byte[6]))).isInstanceOf(PduException.class);
        assertThatThrownBy(() -> PduCodec.decode(4, Buffer.buffer(new byte[] {0, 0, 0, 9, 1, 3}))).isInstanceOf(PduException.class);
        assertThatThrownBy(() -> PduCodec.decode(4, Buffer.buffer(new byte[] {0, 0, 0, 2, 1, (byte) 0x80}))).isInstanceOf(PduException.class);
    }
}
