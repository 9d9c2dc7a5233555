package org.miroir.dicom.net.interop;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.net.ApplicationEntity;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.AssociationOptions;
import org.miroir.dicom.net.AssociationRequest;
import org.miroir.dicom.net.DicomClient;
import org.miroir.dicom.net.DicomServer;
import org.miroir.dicom.net.DimseCall;
import org.miroir.dicom.net.Part10File;
import org.miroir.dicom.net.TransferCapability;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.service.FileStoreHandler;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;
import org.miroir.dicom.testing.Peers;
import org.miroir.dicom.testing.PydicomCorpus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Miroir's SCU against dcmtk: C-STORE to storescp (files streamed from disk as they are, or transcoded when only
 * another syntax is accepted), then C-STORE, C-FIND, C-MOVE (to a Miroir SCP) and C-GET with dcmqrscp.
 */
@Tag("interop")
class MiroirScuInteropTest {
    private static final long T = 30;
    static Vertx vertx;
    static DicomClient client;
    static List<Path> ctSeries;
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        Dcmtk.assumeInstalled();
        vertx = Vertx.vertx();
        client = new DicomClient(vertx, new AssociationOptions());
        ctSeries = InteropSupport.writeCtSeries(shared.resolve("ct"), 6);
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) vertx.close().await(20, TimeUnit.SECONDS);
    }

    private static List<Part10File> dcmtkReadable;

    /** The corpus files that dcmtk and our reader both open (Part 10), plus the CT series. */
    private static synchronized List<Part10File> sendable(boolean withCompressed) {
        if (dcmtkReadable == null) dcmtkReadable = dcmtkReadable();
        return dcmtkReadable.stream().filter(f -> withCompressed || DatasetTs.isNative(f.transferSyntax())).toList();
    }

    private static List<Part10File> dcmtkReadable() {
        List<Part10File> out = new ArrayList<>();
        boolean corpus = Peers.present(PydicomCorpus.isInstalled(), "python3-pydicom");
        for (Path p : corpus ? PydicomCorpus.part10Files() : List.<Path>of()) {
            // storescu's own criterion: dcmtk must find the SOP Class and Instance UIDs in the data set, as UI.
            var dump = Dcmtk.run("dcmdump", "-q", "+P", "SOPClassUID", "+P", "SOPInstanceUID", p.toString());
            if (!dump.ok() || !dump.stdout().contains("(0008,0016) UI") || !dump.stdout().contains("(0008,0018) UI")) {
                System.out.println("dcmtk cannot read " + p + ": not sent");
                continue;
            }
            try {
                out.add(Part10File.read(p));
            } catch (Exception e) {
                System.out.println("not sendable by Miroir (unreadable meta information): " + p + ": " + e.getMessage());
            }
        }
        for (Path p : ctSeries) {
            try {
                out.add(Part10File.read(p));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    /** Which syntaxes storescp and dcmqrscp decode. */
    private static final class DatasetTs {
        static boolean isNative(String ts) {
            return ts.equals(UID.ImplicitVRLittleEndian) || ts.equals(UID.ExplicitVRLittleEndian)
                    || ts.equals(UID.ExplicitVRBigEndian) || ts.equals(UID.DeflatedExplicitVRLittleEndian);
        }
    }

    /** One presentation context per SOP class and syntax, at most 128; returns the files that got one. */
    private static List<Part10File> propose(AssociationRequest rq, List<Part10File> files, boolean ownSyntax) {
        Set<String> seen = new LinkedHashSet<>();
        List<Part10File> covered = new ArrayList<>();
        for (Part10File f : files) {
            String key = f.sopClassUid() + "|" + (ownSyntax ? f.transferSyntax() : "");
            if (!seen.contains(key)) {
                if (seen.size() == 128) continue;
                seen.add(key);
                if (ownSyntax) rq.addPresentationContext(f.sopClassUid(), f.transferSyntax());
                else rq.addPresentationContext(f.sopClassUid(), UID.ImplicitVRLittleEndian);
            }
            covered.add(f);
        }
        return covered;
    }

    private static Map<String, Path> bySopInstanceUid(Path dir) throws Exception {
        Map<String, Path> m = new HashMap<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) m.put(Part10File.read(p).sopInstanceUid(), p);
        }
        return m;
    }

    private static void assertSameDatasets(List<Part10File> sent, Map<String, Path> received) throws Exception {
        List<String> problems = new ArrayList<>();
        for (Part10File f : sent) {
            Path got = received.get(f.sopInstanceUid());
            if (got == null) {
                problems.add(f.path() + ": not received");
                continue;
            }
            List<String> d = InteropSupport.differences(InteropSupport.readDataset(f.path()), InteropSupport.readDataset(got),
                    InteropSupport.transferSyntaxOf(got));
            if (!d.isEmpty()) problems.add(f.path() + ":\n    " + String.join("\n    ", d));
        }
        assertThat(problems).isEmpty();
    }

    private Association connect(int port, String called, AssociationRequest rq) throws Exception {
        return client.connect("127.0.0.1", port, rq).await(T, TimeUnit.SECONDS);
    }

    /** Files stream from disk in their own syntax (compressed ones too): storescp +xa accepts them all. */
    @Test
    void storeToStorescpAsStored() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("storescp"));
        int port = FreePorts.next();
        List<Part10File> files = sendable(true);
        // Files sharing a SOP Instance UID (one image in several encodings) would overwrite each other at storescp.
        Map<String, Part10File> unique = new HashMap<>();
        for (Part10File f : files) unique.putIfAbsent(f.sopInstanceUid(), f);
        List<Part10File> toSend = files.stream().filter(f -> unique.get(f.sopInstanceUid()) == f).toList();
        try (ManagedProcess scp = Dcmtk.storescp(port, out, "+xa")) {
            AssociationRequest rq = new AssociationRequest("MIROIR", "STORESCP");
            List<Part10File> sent = propose(rq, toSend, true);
            Association as = connect(port, "STORESCP", rq);
            for (Part10File f : sent) {
                DimseResponse rsp;
                try {
                    rsp = as.cstore(f).await(T, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError(f + ": " + e + "\nstorescp: " + scp.output(), e);
                }
                assertThat(rsp.status()).as("%s\nstorescp: %s", f, scp.output()).isZero();
            }
            as.release().await(T, TimeUnit.SECONDS);
            assertThat(sent).hasSizeGreaterThan(60);
            assertSameDatasets(sent, bySopInstanceUid(out));
        }
    }

    /** Only implicit VR little endian is proposed: Miroir transcodes each file on a worker thread while sending. */
    @Test
    void storeToStorescpTranscoded() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("storescp"));
        int port = FreePorts.next();
        List<Part10File> files = sendable(false).stream().filter(f -> f.path().startsWith(shared)
                || f.path().getFileName().toString().matches("(MR_small.*|CT_small|rtplan|rtdose|image_dfl|ExplVR_BigEnd)\\.dcm")).toList();
        try (ManagedProcess scp = Dcmtk.storescp(port, out)) {
            AssociationRequest rq = new AssociationRequest("MIROIR", "STORESCP");
            List<Part10File> sent = propose(rq, files, false);
            Association as = connect(port, "STORESCP", rq);
            Map<String, Part10File> unique = new HashMap<>();
            for (Part10File f : sent) {
                DimseResponse rsp = as.cstore(f).await(T, TimeUnit.SECONDS);
                assertThat(rsp.status()).as("%s\nstorescp: %s", f, scp.output()).isZero();
                unique.put(f.sopInstanceUid(), f); // the last one sent wins at storescp
            }
            as.release().await(T, TimeUnit.SECONDS);
            assertThat(unique.size()).isGreaterThan(8);
            assertSameDatasets(new ArrayList<>(unique.values()), bySopInstanceUid(out));
        }
    }

    @Test
    void queryAndRetrieveFromDcmqrscp() throws Exception {
        Path storage = Files.createDirectories(tmp.resolve("qrscp"));
        Path moved = Files.createDirectories(tmp.resolve("moved"));
        Path got = Files.createDirectories(tmp.resolve("got"));
        int qrPort = FreePorts.next();
        // Miroir's own SCP as the C-MOVE destination.
        ApplicationEntity dest = new ApplicationEntity("MIROIRDEST");
        dest.addTransferCapability(TransferCapability.scp(TransferCapability.ANY, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian));
        dest.setHandler(TransferCapability.ANY, new FileStoreHandler(vertx, moved));
        DicomServer destServer = new DicomServer(vertx, new AssociationOptions()).addApplicationEntity(dest);
        int destPort = destServer.listen("127.0.0.1", 0).await(T, TimeUnit.SECONDS);
        Path cfg = tmp.resolve("dcmqrscp.cfg");
        Files.writeString(cfg, String.join("\n",
                "NetworkTCPPort = " + qrPort, "MaxPDUSize = 65536", "MaxAssociations = 16",
                "HostTable BEGIN", "miroirdest = (MIROIRDEST, 127.0.0.1, " + destPort + ")", "HostTable END",
                "VendorTable BEGIN", "VendorTable END",
                "AETable BEGIN", "QRSCP " + storage + " RW (100, 1024mb) ANY", "AETable END", ""));
        // Fork mode: dcmqrscp's single-process mode stops accepting after its first association.
        try (ManagedProcess qr = Dcmtk.start(qrPort, "dcmqrscp", "-c", cfg.toString(), String.valueOf(qrPort))) {
            // Load: Miroir's C-STORE into dcmqrscp.
            AssociationRequest rq = new AssociationRequest("MIROIR", "QRSCP");
            for (Part10File f : List.of(Part10File.read(ctSeries.get(0))))
                rq.addPresentationContext(f.sopClassUid(), UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
            Association as = connect(qrPort, "QRSCP", rq);
            List<Part10File> sent = new ArrayList<>();
            for (Path p : ctSeries) {
                Part10File f = Part10File.read(p);
                assertThat(as.cstore(f).await(T, TimeUnit.SECONDS).status()).isZero();
                sent.add(f);
            }
            as.release().await(T, TimeUnit.SECONDS);
            MiniArchive archive = new MiniArchive(ctSeries);
            String study = archive.entries().get(0).header().getString(org.miroir.dicom.data.Tag.StudyInstanceUID);

            // C-FIND, hierarchical: the series of the study, then the instances of the series.
            rq = new AssociationRequest("MIROIR", "QRSCP");
            rq.addPresentationContext(UID.StudyRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian);
            rq.addPresentationContext(UID.StudyRootQueryRetrieveInformationModelMove, UID.ExplicitVRLittleEndian);
            as = connect(qrPort, "QRSCP", rq);
            Attributes keys = new Attributes();
            keys.setString(org.miroir.dicom.data.Tag.QueryRetrieveLevel, VR.CS, "SERIES");
            keys.setString(org.miroir.dicom.data.Tag.StudyInstanceUID, VR.UI, study);
            keys.setValue(org.miroir.dicom.data.Tag.SeriesInstanceUID, VR.UI, null);
            keys.setValue(org.miroir.dicom.data.Tag.Modality, VR.CS, null);
            List<Attributes> series = new CopyOnWriteArrayList<>();
            assertThat(as.cfind(UID.StudyRootQueryRetrieveInformationModelFind, keys, series::add)
                    .response().await(T, TimeUnit.SECONDS).status()).isZero();
            assertThat(series).hasSize(1);
            assertThat(series.get(0).getString(org.miroir.dicom.data.Tag.Modality)).isEqualTo("CT");
            keys.setString(org.miroir.dicom.data.Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
            keys.setString(org.miroir.dicom.data.Tag.SeriesInstanceUID, VR.UI, series.get(0).getString(org.miroir.dicom.data.Tag.SeriesInstanceUID));
            keys.remove(org.miroir.dicom.data.Tag.Modality);
            keys.setValue(org.miroir.dicom.data.Tag.SOPInstanceUID, VR.UI, null);
            keys.setValue(org.miroir.dicom.data.Tag.InstanceNumber, VR.IS, null);
            List<Attributes> matches = new CopyOnWriteArrayList<>();
            DimseCall find = as.cfind(UID.StudyRootQueryRetrieveInformationModelFind, keys, matches::add);
            assertThat(find.response().await(T, TimeUnit.SECONDS).status()).isZero();
            assertThat(matches).extracting(m -> m.getString(org.miroir.dicom.data.Tag.SOPInstanceUID))
                    .containsExactlyInAnyOrderElementsOf(sent.stream().map(Part10File::sopInstanceUid).toList());

            // C-MOVE of the study to Miroir's SCP.
            Attributes moveKeys = new Attributes();
            moveKeys.setString(org.miroir.dicom.data.Tag.QueryRetrieveLevel, VR.CS, "STUDY");
            moveKeys.setString(org.miroir.dicom.data.Tag.StudyInstanceUID, VR.UI, study);
            List<DimseResponse> pending = new CopyOnWriteArrayList<>();
            DimseResponse moveRsp = as.cmove(UID.StudyRootQueryRetrieveInformationModelMove, "MIROIRDEST", moveKeys, pending::add)
                    .response().await(T, TimeUnit.SECONDS);
            assertThat(moveRsp.status()).isZero();
            assertThat(moveRsp.completed()).isEqualTo(sent.size());
            as.release().await(T, TimeUnit.SECONDS);
            assertSameDatasets(sent, bySopInstanceUid(moved));

            // C-GET: sub-operations on our association, SCP role for CT Image Storage.
            rq = new AssociationRequest("MIROIR", "QRSCP");
            rq.addPresentationContext(UID.StudyRootQueryRetrieveInformationModelGet, UID.ExplicitVRLittleEndian);
            rq.addPresentationContext(UID.CTImageStorage, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
            rq.addRoleSelection(UID.CTImageStorage, false, true);
            as = connect(qrPort, "QRSCP", rq);
            FileStoreHandler toDisk = new FileStoreHandler(vertx, got);
            DimseResponse getRsp = as.cget(UID.StudyRootQueryRetrieveInformationModelGet, moveKeys, toDisk::store, null)
                    .response().await(T, TimeUnit.SECONDS);
            assertThat(getRsp.status()).isZero();
            assertThat(getRsp.completed()).isEqualTo(sent.size());
            as.release().await(T, TimeUnit.SECONDS);
            assertSameDatasets(sent, bySopInstanceUid(got));
        } finally {
            destServer.close().await(T, TimeUnit.SECONDS);
        }
    }
}
