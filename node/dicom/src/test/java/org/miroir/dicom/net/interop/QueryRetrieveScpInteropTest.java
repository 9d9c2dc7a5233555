package org.miroir.dicom.net.interop;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.net.ApplicationEntity;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.AssociationListener;
import org.miroir.dicom.net.AssociationOptions;
import org.miroir.dicom.net.DicomClient;
import org.miroir.dicom.net.DicomServer;
import org.miroir.dicom.net.FindHandler;
import org.miroir.dicom.net.TransferCapability;
import org.miroir.dicom.net.dimse.Dimse;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.dicom.net.service.MoveDestination;
import org.miroir.dicom.net.service.RetrieveService;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;
import org.miroir.dicom.testing.Processes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** dcmtk's echoscu, findscu, movescu and getscu against Miroir SCPs; C-MOVE sub-operations go to dcmtk's storescp. */
@Tag("interop")
class QueryRetrieveScpInteropTest {
    /** The cancel test's generator stops here if no C-CANCEL ever came. */
    private static final int GENERATOR_CAP = 100_000;

    static Vertx vertx;
    static MiniArchive archive;
    static String ctStudy;
    static DicomServer server;
    static DicomClient client;
    static int port;
    static int storescpPort;
    static final ConcurrentLinkedQueue<int[]> completed = new ConcurrentLinkedQueue<>();
    static final AtomicInteger generated = new AtomicInteger();
    static final AtomicBoolean generatorSawCancel = new AtomicBoolean();

    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        Dcmtk.assumeInstalled();
        vertx = Vertx.vertx();
        List<Path> files = InteropSupport.writeCtSeries(shared.resolve("ct"), 5);
        archive = new MiniArchive(files);
        ctStudy = archive.entries().get(0).header().getString(org.miroir.dicom.data.Tag.StudyInstanceUID);
        storescpPort = FreePorts.next();

        client = new DicomClient(vertx, new AssociationOptions());
        RetrieveService retrieve = new RetrieveService(vertx, archive.resolver(),
                aet -> Future.succeededFuture(aet.equals("STORESCP") ? new MoveDestination("STORESCP", "127.0.0.1", storescpPort) : null),
                client);
        String[] ts = {UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian};
        ApplicationEntity ae = new ApplicationEntity("MIROIR")
                .addTransferCapability(TransferCapability.scp(UID.Verification, UID.ImplicitVRLittleEndian))
                .addService(UID.StudyRootQueryRetrieveInformationModelFind, archive.findHandler(), ts)
                .addService(UID.PatientRootQueryRetrieveInformationModelFind, endlessMatches(), ts)
                .addService(UID.StudyRootQueryRetrieveInformationModelMove, retrieve, ts)
                .addService(UID.StudyRootQueryRetrieveInformationModelGet, retrieve, ts)
                // C-GET: we play the SCU of the storage classes when the requestor offers the SCP role.
                .addTransferCapability(TransferCapability.scu(TransferCapability.ANY, ts));
        server = new DicomServer(vertx, new AssociationOptions()).addApplicationEntity(ae)
                .addListener(new AssociationListener() {
                    @Override
                    public void onDimseCompleted(Association as, Dimse request, String cuid, String iuid, int status,
                            long nanos, boolean invoked) {
                        if (!invoked) completed.add(new int[] {request.commandField(), status});
                    }
                });
        port = server.listen("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
    }

    /** Patient-level matches without end (up to a cap), for the C-CANCEL test. */
    private static FindHandler endlessMatches() {
        return (rq, keys) -> {
            rq.onCancel(v -> generatorSawCancel.set(true));
            Iterator<Attributes> it = new Iterator<>() {
                @Override
                public boolean hasNext() { return generated.get() < GENERATOR_CAP; }

                @Override
                public Attributes next() {
                    Attributes a = new Attributes();
                    a.setString(org.miroir.dicom.data.Tag.QueryRetrieveLevel, VR.CS, "PATIENT");
                    a.setString(org.miroir.dicom.data.Tag.PatientID, VR.LO, "P" + generated.incrementAndGet());
                    return a;
                }
            };
            return rq.sendMatches(it);
        };
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) vertx.close().await(20, TimeUnit.SECONDS);
    }

    @BeforeEach
    void clear() { completed.clear(); }

    private static List<Integer> statuses(Dimse dimse) {
        List<Integer> l = new ArrayList<>();
        for (int[] c : completed) if (c[0] == dimse.commandField()) l.add(c[1]);
        return l;
    }

    @Test
    void echoscu() {
        Dcmtk.run("echoscu", "-aec", "MIROIR", "127.0.0.1", String.valueOf(port)).assertOk();
        assertThat(statuses(Dimse.C_ECHO_RQ)).containsExactly(0);
    }

    @Test
    void findscuGetsPendingMatches() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("rsp"));
        Dcmtk.run("findscu", "-S", "-aec", "MIROIR", "-X", "-od", out.toString(),
                "-k", "QueryRetrieveLevel=SERIES", "-k", "StudyInstanceUID=" + ctStudy, "-k", "SeriesInstanceUID",
                "-k", "PatientID", "-k", "PatientName", "-k", "Modality", "127.0.0.1", String.valueOf(port)).assertOk();
        List<Path> rsp;
        try (var s = Files.list(out)) { rsp = s.sorted().toList(); }
        List<Attributes> expected = archive.find(keys("SERIES", ctStudy));
        assertThat(rsp).hasSize(expected.size()).isNotEmpty();
        Attributes got = InteropSupport.readDataset(rsp.get(0));
        assertThat(got.getString(org.miroir.dicom.data.Tag.SeriesInstanceUID))
                .isEqualTo(expected.get(0).getString(org.miroir.dicom.data.Tag.SeriesInstanceUID));
        assertThat(got.getString(org.miroir.dicom.data.Tag.PatientID)).isEqualTo(archive.entries().get(0).header().getString(org.miroir.dicom.data.Tag.PatientID));
        assertThat(got.getString(org.miroir.dicom.data.Tag.Modality)).isEqualTo("CT");
        assertThat(statuses(Dimse.C_FIND_RQ)).containsExactly(0);
    }

    private static Attributes keys(String level, String study) {
        Attributes k = new Attributes();
        k.setString(org.miroir.dicom.data.Tag.QueryRetrieveLevel, VR.CS, level);
        k.setString(org.miroir.dicom.data.Tag.StudyInstanceUID, VR.UI, study);
        k.setValue(org.miroir.dicom.data.Tag.SeriesInstanceUID, VR.UI, null);
        return k;
    }

    @Test
    void findscuCancelStopsTheHandler() {
        generated.set(0);
        Processes.Result r = Dcmtk.run("findscu", "-P", "-aec", "MIROIR", "--cancel", "3", "-q",
                "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID", "127.0.0.1", String.valueOf(port));
        r.assertOk();
        assertThat(generatorSawCancel).as("handler saw the C-CANCEL").isTrue();
        assertThat(generated.get()).as("matches generated before the cancel stopped them").isBetween(3, GENERATOR_CAP - 1);
        assertThat(statuses(Dimse.C_FIND_RQ)).containsExactly(Status.CANCEL.code());
    }

    @Test
    void movescuRetrievesToStorescp() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("storescp"));
        try (ManagedProcess scp = Dcmtk.storescp(storescpPort, out)) {
            Dcmtk.run("movescu", "-S", "-aec", "MIROIR", "-aem", "STORESCP",
                    "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + ctStudy,
                    "127.0.0.1", String.valueOf(port)).assertOk();
        }
        assertThat(statuses(Dimse.C_MOVE_RQ)).containsExactly(0);
        assertRetrieved(out);
    }

    @Test
    void movescuToUnknownDestinationGetsA801() {
        Processes.Result r = Dcmtk.run("movescu", "-S", "-aec", "MIROIR", "-aem", "NOWHERE",
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + ctStudy, "127.0.0.1", String.valueOf(port));
        assertThat(r.timedOut()).isFalse();
        assertThat(statuses(Dimse.C_MOVE_RQ)).containsExactly(Status.MOVE_DESTINATION_UNKNOWN.code());
    }

    @Test
    void getscuRetrievesWithRoleSelection() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("getscu"));
        Dcmtk.run("getscu", "-S", "-aec", "MIROIR", "-od", out.toString(),
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + ctStudy,
                "127.0.0.1", String.valueOf(port)).assertOk();
        assertThat(statuses(Dimse.C_GET_RQ)).containsExactly(0);
        assertRetrieved(out);
    }

    /** Every archived instance arrived in {@code dir}, element by element equal. */
    private static void assertRetrieved(Path dir) throws Exception {
        Map<String, Attributes> got = new HashMap<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Attributes ds = InteropSupport.readDataset(p);
                got.put(ds.getString(org.miroir.dicom.data.Tag.SOPInstanceUID), ds);
            }
        }
        assertThat(got).hasSize(archive.entries().size());
        for (MiniArchive.Entry e : archive.entries()) {
            Attributes received = got.get(e.file().sopInstanceUid());
            assertThat(received).as(e.file().sopInstanceUid()).isNotNull();
            assertThat(InteropSupport.differences(InteropSupport.readDataset(e.file().path()), received,
                    InteropSupport.transferSyntaxOf(e.file().path()))).isEmpty();
        }
    }
}
