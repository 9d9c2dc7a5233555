package org.miroir.dicom.net.pdu;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PduFramerTest {

    private static List<Pdu> drain(PduFramer f) throws PduException {
        List<Pdu> out = new ArrayList<>();
        for (Pdu p; (p = f.next()) != null; ) out.add(p);
        return out;
    }

    @Test
    void pdusSplitAnywhereAndJoinedAreFramed() throws Exception {
        Buffer stream = Buffer.buffer()
                .appendBuffer(PduCodec.encode(new PDataTF(List.of(new PDV(1, false, true, Buffer.buffer(new byte[1000]))))))
                .appendBuffer(PduCodec.encode(AReleaseRQ.INSTANCE))
                .appendBuffer(PduCodec.encode(AAbort.byUser()));
        for (int chunk : new int[] {1, 3, 7, 100, stream.length()}) {
            PduFramer f = new PduFramer(16384, 1024);
            List<Pdu> got = new ArrayList<>();
            for (int off = 0; off < stream.length(); off += chunk) {
                f.append(stream.getBuffer(off, Math.min(stream.length(), off + chunk)));
                got.addAll(drain(f));
            }
            assertThat(got).hasSize(3);
            assertThat(((PDataTF) got.get(0)).pdvs().get(0).data().length()).isEqualTo(1000);
            assertThat(got.get(1)).isEqualTo(AReleaseRQ.INSTANCE);
            assertThat(f.buffered()).isZero();
        }
    }

    @Test
    void hugeLengthFailsOnTheHeaderAlone() {
        for (int type : new int[] {Pdu.P_DATA_TF, Pdu.A_ASSOCIATE_RQ, Pdu.A_ASSOCIATE_AC, Pdu.A_ABORT}) {
            PduFramer f = new PduFramer(16384, 65536);
            f.append(Buffer.buffer(new byte[] {(byte) type, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}));
            assertThatThrownBy(f::next).isInstanceOf(PduException.class)
                    .satisfies(e -> assertThat(((PduException) e).abortReason()).isEqualTo(AAbort.INVALID_PDU_PARAMETER_VALUE));
        }
    }

    @Test
    void pDataLongerThanAnnouncedFails() throws Exception {
        PduFramer f = new PduFramer(16384, 65536);
        f.append(PduCodec.encode(new PDataTF(List.of(new PDV(1, false, true, Buffer.buffer(new byte[16378]))))));
        assertThat(f.next()).isInstanceOf(PDataTF.class);
        f.append(PduCodec.encode(new PDataTF(List.of(new PDV(1, false, true, Buffer.buffer(new byte[16379]))))));
        assertThatThrownBy(f::next).isInstanceOf(PduException.class);
    }

    @Test
    void unknownTypeFails() {
        PduFramer f = new PduFramer(16384, 65536);
        f.append(Buffer.buffer(new byte[] {9, 0, 0, 0, 0, 4, 0, 0, 0, 0}));
        assertThatThrownBy(f::next).isInstanceOf(PduException.class)
                .satisfies(e -> assertThat(((PduException) e).abortReason()).isEqualTo(AAbort.UNRECOGNIZED_PDU));
    }

    @Test
    void incompleteHeaderWaits() throws Exception {
        PduFramer f = new PduFramer(16384, 65536);
        f.append(Buffer.buffer(new byte[] {4, 0, 0}));
        assertThat(f.next()).isNull();
        assertThat(f.buffered()).isEqualTo(3);
    }
}
