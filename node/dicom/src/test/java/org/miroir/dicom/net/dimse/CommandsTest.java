package org.miroir.dicom.net.dimse;

import org.junit.jupiter.api.Test;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandsTest {
    @Test
    void encodeDecodeRoundTripWithGroupLength() throws Exception {
        Attributes rq = Commands.cStoreRQ(7, UID.CTImageStorage, "1.2.3.4", Commands.PRIORITY_HIGH, "MOVER", 3);
        io.vertx.core.buffer.Buffer b = Commands.encode(rq);
        // (0000,0000) UL first, its value the length of what follows.
        assertThat(b.getIntLE(0)).isZero();
        assertThat(b.getIntLE(4)).isEqualTo(4);
        assertThat(b.getIntLE(8)).isEqualTo(b.length() - 12);
        Attributes back = Commands.decode(b);
        assertThat(Commands.dimseOf(back)).isEqualTo(Dimse.C_STORE_RQ);
        assertThat(back.getString(Tag.AffectedSOPInstanceUID)).isEqualTo("1.2.3.4");
        assertThat(back.getString(Tag.MoveOriginatorApplicationEntityTitle)).isEqualTo("MOVER");
        assertThat(back.getInt(Tag.MessageID, -1)).isEqualTo(7);
        assertThat(Commands.hasDataset(back)).isTrue();
    }

    @Test
    void responsesEchoTheRequest() {
        Attributes nget = Commands.nGetRQ(9, UID.ModalityPerformedProcedureStep, "1.2.9", new int[] {Tag.PatientName});
        Attributes rsp = Commands.response(nget, DimseResponse.of(Status.NO_SUCH_SOP_INSTANCE).command(), false);
        assertThat(Commands.dimseOf(rsp)).isEqualTo(Dimse.N_GET_RSP);
        assertThat(rsp.getString(Tag.AffectedSOPClassUID)).isEqualTo(UID.ModalityPerformedProcedureStep);
        assertThat(rsp.getString(Tag.AffectedSOPInstanceUID)).isEqualTo("1.2.9");
        assertThat(rsp.getInt(Tag.MessageIDBeingRespondedTo, -1)).isEqualTo(9);
        assertThat(Commands.status(rsp)).isEqualTo(0x0112);
        assertThat(Commands.hasDataset(rsp)).isFalse();
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> Commands.decode(io.vertx.core.buffer.Buffer.buffer(new byte[] {1, 2, 3}))).isInstanceOf(java.io.IOException.class);
        Attributes unknown = Commands.cEchoRQ(1, UID.Verification);
        unknown.setInt(Tag.CommandField, org.miroir.dicom.data.VR.US, 0x4242);
        assertThatThrownBy(() -> Commands.decode(Commands.encode(unknown))).isInstanceOf(java.io.IOException.class);
    }
}
