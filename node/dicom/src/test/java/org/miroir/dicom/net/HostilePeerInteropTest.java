package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.net.dimse.Commands;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.dicom.net.pdu.AAbort;
import org.miroir.dicom.net.pdu.AAssociateAC;
import org.miroir.dicom.net.pdu.AAssociateRJ;
import org.miroir.dicom.net.pdu.AAssociateRQ;
import org.miroir.dicom.net.pdu.AReleaseRQ;
import org.miroir.dicom.net.pdu.PDV;
import org.miroir.dicom.net.pdu.PDataTF;
import org.miroir.dicom.net.pdu.Pdu;
import org.miroir.dicom.net.service.FileStoreHandler;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.SyntheticStudies;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile peers against a Miroir SCP: each gets the standard answer (A-ABORT with a reason, A-ASSOCIATE-RJ, a
 * C-STORE failure, ARTIM or idle close), and afterwards the SCP has no association left open and dcmtk's echoscu
 * still succeeds. Timers are short here (ARTIM 1 s, idle 2 s) so the test stays quick; no assertion is on time.
 */
@Tag("interop")
class HostilePeerInteropTest {
    private static final int READ_TIMEOUT = 15_000;

    static Vertx vertx;
    static DicomServer server;
    static int port;
    static Path stored;
    static final ConcurrentLinkedQueue<Status> storeResults = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<AAssociateRJ> rejections = new ConcurrentLinkedQueue<>();
    static final AssociationOptions OPTIONS = new AssociationOptions()
            .setArtimTimeoutMillis(1000).setIdleTimeoutMillis(2000).setReleaseTimeoutMillis(2000);

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Dcmtk.assumeInstalled();
        vertx = Vertx.vertx();
        stored = Files.createDirectories(dir.resolve("stored"));
        FileStoreHandler files = new FileStoreHandler(vertx, stored).verify(true);
        StoreHandler recording = (rq, data) -> files.store(rq, data).onComplete(ar -> storeResults.add(ar.succeeded() ? ar.result() : Status.PROCESSING_FAILURE));
        ApplicationEntity ae = new ApplicationEntity("MIROIR")
                .addTransferCapability(TransferCapability.scp(UID.Verification, UID.ImplicitVRLittleEndian))
                .addService(UID.CTImageStorage, recording, UID.ExplicitVRLittleEndian);
        server = new DicomServer(vertx, OPTIONS).addApplicationEntity(ae).addListener(new AssociationListener() {
            @Override
            public void onAssociationRejected(SocketAddress remote, AAssociateRQ rq, AAssociateRJ rj) { rejections.add(rj); }
        });
        port = server.listen("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) vertx.close().await(20, TimeUnit.SECONDS);
    }

    /** After every hostile peer: nothing left open, and a well-behaved association works. */
    @AfterEach
    void nextAssociationSucceeds() throws Exception {
        awaitNoAssociation();
        Dcmtk.run("echoscu", "-aec", "MIROIR", "127.0.0.1", String.valueOf(port)).assertOk();
        awaitNoAssociation();
    }

    private static void awaitNoAssociation() throws InterruptedException {
        for (int i = 0; i < 200 && server.openAssociations() > 0; i++) Thread.sleep(50);
        assertThat(server.openAssociations()).as("associations still open").isZero();
    }

    private static RawPeer peer() throws IOException { return new RawPeer(port, READ_TIMEOUT); }

    private static void assertAbort(RawPeer.Raw raw, int reason) throws Exception {
        assertThat(raw.type()).as("A-ABORT expected").isEqualTo(Pdu.A_ABORT);
        AAbort abort = (AAbort) raw.decode();
        assertThat(abort.source()).isEqualTo(AAbort.SOURCE_SERVICE_PROVIDER);
        assertThat(abort.reason()).isEqualTo(reason);
    }

    @Test
    void randomBytesAreAbortedOrClosed() throws Exception {
        Random rnd = new Random(42);
        for (int round = 0; round < 20; round++) {
            byte[] junk = new byte[1 + rnd.nextInt(4096)];
            rnd.nextBytes(junk);
            try (RawPeer p = peer()) {
                p.send(junk);
                List<RawPeer.Raw> answers = p.readUntilClosed();
                // Whatever the bytes meant, the only answer is an A-ABORT (or silence, then close by ARTIM).
                for (RawPeer.Raw r : answers) assertThat(r.type()).isIn(Pdu.A_ABORT, Pdu.A_ASSOCIATE_RJ);
            }
        }
    }

    @Test
    void unrecognizedPduTypeGetsAbortReason1() throws Exception {
        try (RawPeer p = peer()) {
            p.send(new byte[] {0x55, 0, 0, 0, 0, 4, 0, 0, 0, 0});
            assertAbort(p.read(), AAbort.UNRECOGNIZED_PDU);
            assertThat(p.read().closed()).isTrue();
        }
    }

    @Test
    void pduLengthFFFFFFFFIsAbortedWithoutReadingIt() throws Exception {
        for (int type : new int[] {Pdu.P_DATA_TF, Pdu.A_ASSOCIATE_RQ, Pdu.A_RELEASE_RQ}) {
            try (RawPeer p = peer()) {
                p.send(new byte[] {(byte) type, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
                assertAbort(p.read(), AAbort.INVALID_PDU_PARAMETER_VALUE);
                assertThat(p.read().closed()).isTrue();
            }
        }
    }

    @Test
    void pDataBeforeAssociationIsAborted() throws Exception {
        try (RawPeer p = peer()) {
            p.send(new PDataTF(List.of(new PDV(1, true, true, Buffer.buffer(new byte[] {1, 2, 3, 4})))));
            assertAbort(p.read(), AAbort.UNEXPECTED_PDU);
            assertThat(p.read().closed()).isTrue();
        }
    }

    @Test
    void unknownCalledAETitleIsRejectedWithReason7() {
        rejections.clear();
        var r = Dcmtk.run("echoscu", "-aec", "NOBODY", "127.0.0.1", String.valueOf(port));
        assertThat(r.ok()).isFalse();
        assertThat(r.stdout()).contains("Called AE Title Not Recognized");
        assertThat(rejections).containsExactly(new AAssociateRJ(1, 1, 7));
    }

    @Test
    void idleSocketIsClosedByArtim() throws Exception {
        try (RawPeer p = peer()) {
            assertThat(p.read().closed()).as("closed without any PDU").isTrue();
        }
    }

    @Test
    void idleAssociationIsAborted() throws Exception {
        try (RawPeer p = associate()) {
            List<RawPeer.Raw> answers = p.readUntilClosed();
            assertThat(answers).extracting(RawPeer.Raw::type).containsExactly(Pdu.A_ABORT);
        }
    }

    @Test
    void dataSetCutByAbortIsDiscarded() throws Exception {
        storeResults.clear();
        byte[] ds = ctDataset();
        try (RawPeer p = associate()) {
            sendCommand(p, Commands.cStoreRQ(1, UID.CTImageStorage, "2.25.1", 0, null, -1));
            sendData(p, ds, ds.length / 2, false);
            p.send(AAbort.byUser());
            assertThat(p.read().closed()).isTrue();
        }
        awaitStoreResult();
        assertThat(storeResults.peek().category()).isEqualTo(Status.Category.FAILURE);
        assertNothingStored();
    }

    @Test
    void dataSetCutByClosedSocketIsDiscarded() throws Exception {
        storeResults.clear();
        byte[] ds = ctDataset();
        try (RawPeer p = associate()) {
            sendCommand(p, Commands.cStoreRQ(1, UID.CTImageStorage, "2.25.2", 0, null, -1));
            sendData(p, ds, ds.length / 2, false);
        }
        awaitStoreResult();
        assertThat(storeResults.peek().category()).isEqualTo(Status.Category.FAILURE);
        assertNothingStored();
    }

    @Test
    void dataSetTruncatedMidElementGetsFailureStatus() throws Exception {
        storeResults.clear();
        byte[] ds = ctDataset();
        try (RawPeer p = associate()) {
            sendCommand(p, Commands.cStoreRQ(1, UID.CTImageStorage, "2.25.3", 0, null, -1));
            sendData(p, ds, ds.length / 2, true); // "last" fragment, but the pixel data is cut in half
            RawPeer.Raw rsp = p.read();
            assertThat(rsp.type()).isEqualTo(Pdu.P_DATA_TF);
            PDataTF pdata = (PDataTF) rsp.decode();
            Attributes cmd = Commands.decode(pdata.pdvs().get(0).data());
            assertThat(Commands.status(cmd)).isEqualTo(Status.CANNOT_UNDERSTAND.code());
            p.send(AReleaseRQ.INSTANCE);
            assertThat(p.read().type()).isEqualTo(Pdu.A_RELEASE_RP);
        }
        assertNothingStored();
    }

    @Test
    void fiveHundredConnectionsOpenedAndDropped() throws Exception {
        long before = usedHeapAfterGc();
        for (int batch = 0; batch < 5; batch++) {
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Socket s = new Socket("127.0.0.1", port);
                if (i % 2 == 0) s.getOutputStream().write(new byte[] {1, 0, 0}); // half a PDU header
                sockets.add(s);
            }
            for (Socket s : sockets) s.close();
        }
        awaitNoAssociation();
        long after = usedHeapAfterGc();
        assertThat(after - before).as("heap growth after 500 dropped connections (bytes)").isLessThan(32L << 20);
    }

    // ------------------------------------------------------------------ helpers

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static RawPeer associate() throws Exception {
        AssociationRequest rq = new AssociationRequest("HOSTILE", "MIROIR");
        rq.addPresentationContext(UID.CTImageStorage, UID.ExplicitVRLittleEndian);
        RawPeer p = peer();
        p.send(rq.toPdu(new AssociationOptions()));
        RawPeer.Raw ac = p.read();
        assertThat(ac.type()).isEqualTo(Pdu.A_ASSOCIATE_AC);
        assertThat(((AAssociateAC) ac.decode()).presentationContext(1).isAccepted()).isTrue();
        return p;
    }

    private static void sendCommand(RawPeer p, Attributes cmd) throws IOException {
        p.send(new PDataTF(List.of(new PDV(1, true, true, Commands.encode(cmd)))));
    }

    /** Sends the first {@code length} bytes of {@code ds} in 16 KiB fragments, the last one flagged or not. */
    private static void sendData(RawPeer p, byte[] ds, int length, boolean lastFlag) throws IOException {
        for (int off = 0; off < length; off += 16384) {
            int n = Math.min(16384, length - off);
            boolean last = lastFlag && off + n >= length;
            p.send(new PDataTF(List.of(new PDV(1, false, last, Buffer.buffer(ds).slice(off, off + n)))));
        }
    }

    private static byte[] ctDataset() throws IOException {
        SyntheticStudies gen = SyntheticStudies.ctSeries(1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DicomOutputStream(bytes, UID.ExplicitVRLittleEndian).writeDataset(gen.dataset(gen.instances().get(0)));
        return bytes.toByteArray();
    }

    private static void awaitStoreResult() throws InterruptedException {
        for (int i = 0; i < 200 && storeResults.isEmpty(); i++) Thread.sleep(50);
        assertThat(storeResults).as("the store handler finished").hasSize(1);
    }

    private static void assertNothingStored() throws IOException {
        try (var s = Files.list(stored)) {
            assertThat(s.toList()).as("files left in the store").isEmpty();
        }
    }
}
