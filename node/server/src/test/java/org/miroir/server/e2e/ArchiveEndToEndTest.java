package org.miroir.server.e2e;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;
import org.miroir.dicom.testing.Processes;
import org.miroir.dicom.testing.PydicomCorpus;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.server.web.DicomWebClient;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step 2 "done when" 1: a node started by {@code ops/miroir run}; storescu of the pydicom corpus (its readable native
 * files, one per SOP Instance UID) and of a generated multi-patient data set, STOW-RS of another generated study;
 * findscu at every level of both roots finds exactly what was stored (the generators' own lists); movescu to a dcmtk
 * storescp (from the node's AE registry) and getscu bring back data sets equal element by element to what was sent,
 * and WADO-RS the STOW-RS instances byte for byte and the storescu ones element by element. Runs once per storage
 * configuration (step 3 "done when" 2): embedded, and Cassandra + Ceph RADOS in a fresh keyspace and namespace.
 * Last, no object store call of all that ran on an event loop thread.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@ParameterizedClass(name = "storage {0}")
@ValueSource(strings = {StorageBackends.EMBEDDED, StorageBackends.CASSANDRA_RADOS})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchiveEndToEndTest {
    @TempDir
    static Path root;
    /** This storage configuration's scratch folder. */
    static Path tmp;
    /** The storage configuration of this invocation (the class's parameter, also given to {@link #startAndStore}). */
    @Parameter
    String storage;
    static ArchiveNode node;
    static ManagedProcess storescp;
    static Path storescpDir;
    static SyntheticStudies gen;
    /** Stored by STOW-RS: one patient, one study, patient IDs apart from {@link #gen}'s. */
    static SyntheticStudies stowed;
    /** Sent file per SOP Instance UID: the generated sets and the corpus files the node accepted. */
    static final Map<String, Path> sent = new LinkedHashMap<>();
    /** The studies stored besides {@link #gen}'s: the corpus files' and {@link #stowed}'s. */
    static final Set<String> otherStudies = new HashSet<>();

    @BeforeParameterizedClassInvocation
    static void startAndStore(String storage) throws IOException, InterruptedException {
        Dcmtk.assumeInstalled();
        PydicomCorpus.assumeInstalled();
        sent.clear();
        otherStudies.clear();
        tmp = Files.createDirectories(root.resolve(storage));
        int scpPort = FreePorts.next();
        storescpDir = Files.createDirectories(tmp.resolve("storescp"));
        storescp = Dcmtk.storescp(scpPort, storescpDir, "-aet", "STORESCP", "+xa");
        node = ArchiveNode.start(tmp.resolve("data"), new JsonObject().put("aeRegistry", new JsonObject()
                .put("STORESCP", new JsonObject().put("host", "127.0.0.1").put("port", scpPort)))
                .put("storage", StorageBackends.config(storage, "e2e")));

        gen = SyntheticStudies.builder().seed(20240611).patients(3).studiesPerPatient(2).seriesPerStudy(2)
                .instancesPerSeries(3).rows(16).columns(16).modalities("CT", "MR").build();
        List<Path> files = gen.writeAll(tmp.resolve("generated"), UID.ExplicitVRLittleEndian);
        Map<Path, String> results = Scu.store(node.dicomPort, files);
        for (Path f : files) assertThat(results.get(f)).as("storescu of %s\n%s", f, node.output()).isEqualTo("Success");
        for (int i = 0; i < files.size(); i++) sent.put(gen.instances().get(i).sopInstanceUid(), files.get(i));

        List<Path> corpus = nativeCorpusFiles();
        Map<Path, String> corpusResults = Scu.store(node.dicomPort, corpus);
        List<Path> refused = new ArrayList<>();
        for (Path f : corpus) {
            if ("Success".equals(corpusResults.get(f))) {
                Attributes ds = Scu.read(f);
                sent.put(ds.getString(Tag.SOPInstanceUID), f);
                otherStudies.add(ds.getString(Tag.StudyInstanceUID));
            } else {
                refused.add(f);
            }
        }
        System.out.println("corpus: " + (corpus.size() - refused.size()) + " stored, not stored: " + refused);
        assertThat(corpus.size() - refused.size()).as("corpus files stored").isGreaterThan(30);

        stowed = SyntheticStudies.builder().seed(20240612).patients(1).studiesPerPatient(1).seriesPerStudy(2)
                .instancesPerSeries(2).rows(16).columns(16).modalities("MR").build();
        List<Path> stowFiles = stowed.writeAll(tmp.resolve("stowed"), UID.ExplicitVRLittleEndian);
        String study = stowed.studies().get(0).studyInstanceUid();
        HttpResponse<byte[]> stow = node.web().stow("/dicom-web/studies/" + study, stowFiles);
        assertThat(stow.statusCode()).as("STOW-RS %s\n%s", new String(stow.body()), node.output()).isEqualTo(200);
        for (int i = 0; i < stowFiles.size(); i++) sent.put(stowed.instances().get(i).sopInstanceUid(), stowFiles.get(i));
        otherStudies.add(study);
    }

    /** Native (not encapsulated) corpus files our reader parses, the first of each SOP Instance UID. */
    private static List<Path> nativeCorpusFiles() {
        Set<String> seen = new HashSet<>();
        List<Path> out = new ArrayList<>();
        for (Path p : PydicomCorpus.part10Files()) {
            try {
                Attributes ds = Scu.read(p);
                String ts;
                try (var in = Files.newInputStream(p); var dis = new org.miroir.dicom.io.DicomInputStream(in)) {
                    ts = dis.getTransferSyntax();
                }
                String iuid = ds.getString(Tag.SOPInstanceUID);
                if (iuid == null || ds.getString(Tag.StudyInstanceUID) == null || ds.getString(Tag.SeriesInstanceUID) == null
                        || TransferSyntax.isKnown(ts) && TransferSyntax.of(ts).encapsulated()) continue;
                if (seen.add(iuid)) out.add(p);
            } catch (IOException | RuntimeException unreadable) {
                // the toolkit's own corpus tests cover these
            }
        }
        return out;
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (node != null) node.close();
        if (storescp != null) storescp.close();
        node = null;
        storescp = null;
    }

    /** STOW-RS stores each part as received, so WADO-RS returns it byte for byte; a C-STORE's data set element by element. */
    @Test
    void wadoRsReturnsWhatWasStored() throws Exception {
        DicomWebClient web = node.web();
        String study = stowed.studies().get(0).studyInstanceUid();
        HttpResponse<byte[]> r = web.get("/dicom-web/studies/" + study, "multipart/related; type=\"application/dicom\"");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Path> got = Scu.bySopInstanceUid(parts(r, "wado-stowed"));
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(stowed.instances().stream()
                .map(SyntheticStudies.Instance::sopInstanceUid).toList());
        for (Map.Entry<String, Path> e : got.entrySet())
            assertThat(Files.readAllBytes(e.getValue())).as(e.getKey()).isEqualTo(Files.readAllBytes(sent.get(e.getKey())));

        SyntheticStudies.Series se = gen.series().get(2);
        r = web.get("/dicom-web/studies/" + se.study().studyInstanceUid() + "/series/" + se.seriesInstanceUid(), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertSameAsSent(Scu.bySopInstanceUid(parts(r, "wado-stored")), instancesOf(se));
    }

    /** The parts of a WADO-RS answer, each written to a file of a new folder {@code name}. */
    private static Path parts(HttpResponse<byte[]> r, String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        List<DicomWebClient.Part> parts = DicomWebClient.parts(r);
        for (int i = 0; i < parts.size(); i++) Files.write(dir.resolve(i + ".dcm"), parts.get(i).body());
        return dir;
    }

    /** Runs after every other test of the class, which between them used every object store call of the node. */
    @Test
    @Order(Integer.MAX_VALUE)
    void noObjectStoreCallRanOnAnEventLoop() throws IOException {
        // A sweep lists the objects too (none is an orphan: the grace period is the default 10 minutes).
        assertThat(node.post("/admin/orphan-sweep").statusCode()).isEqualTo(200);
        String scrape = node.get("/metrics").body();
        assertThat(scrape).contains("# TYPE miroir_event_loop_blocking_calls_total counter");
        assertThat(ArchiveNode.metricIn(scrape, "miroir_event_loop_blocking_calls_total"))
                .as("object store calls on an event loop\n%s", scrape).isZero();
    }

    private static String token() {
        String id = gen.patients().get(0).patientId();
        return id.substring(0, id.lastIndexOf('-') + 1);
    }

    @Test
    void patientRootFindsEveryLevel() throws IOException {
        List<Attributes> patients = Scu.find(node.dicomPort, Scu.PATIENT_ROOT, tmp, "QueryRetrieveLevel=PATIENT",
                "PatientID=" + token() + "*", "PatientName", "NumberOfPatientRelatedStudies");
        assertThat(Scu.values(patients, Tag.PatientID)).isEqualTo(gen.patients().stream()
                .map(SyntheticStudies.Patient::patientId).collect(Collectors.toSet()));
        for (Attributes p : patients) assertThat(p.getString(Tag.NumberOfPatientRelatedStudies)).isEqualTo("2");
        for (SyntheticStudies.Patient p : gen.patients()) {
            List<Attributes> studies = Scu.find(node.dicomPort, Scu.PATIENT_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                    "PatientID=" + p.patientId(), "StudyInstanceUID", "NumberOfStudyRelatedInstances");
            assertThat(Scu.values(studies, Tag.StudyInstanceUID)).isEqualTo(gen.studies().stream()
                    .filter(s -> s.patient() == p).map(SyntheticStudies.Study::studyInstanceUid).collect(Collectors.toSet()));
            for (Attributes s : studies) assertThat(s.getString(Tag.NumberOfStudyRelatedInstances)).isEqualTo("6");
        }
        for (SyntheticStudies.Study st : gen.studies()) {
            List<Attributes> series = Scu.find(node.dicomPort, Scu.PATIENT_ROOT, tmp, "QueryRetrieveLevel=SERIES",
                    "PatientID=" + st.patient().patientId(), "StudyInstanceUID=" + st.studyInstanceUid(),
                    "SeriesInstanceUID", "Modality");
            assertThat(Scu.values(series, Tag.SeriesInstanceUID)).isEqualTo(seriesOf(st));
        }
        for (SyntheticStudies.Series se : gen.series()) {
            List<Attributes> images = Scu.find(node.dicomPort, Scu.PATIENT_ROOT, tmp, "QueryRetrieveLevel=IMAGE",
                    "PatientID=" + se.study().patient().patientId(), "StudyInstanceUID=" + se.study().studyInstanceUid(),
                    "SeriesInstanceUID=" + se.seriesInstanceUid(), "SOPInstanceUID");
            assertThat(Scu.values(images, Tag.SOPInstanceUID)).isEqualTo(instancesOf(se));
        }
    }

    @Test
    void studyRootFindsEveryLevelAndEverythingStored() throws IOException {
        List<Attributes> all = Scu.find(node.dicomPort, Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                "StudyInstanceUID", "ModalitiesInStudy");
        Set<String> expected = new HashSet<>(otherStudies);
        gen.studies().forEach(s -> expected.add(s.studyInstanceUid()));
        assertThat(Scu.values(all, Tag.StudyInstanceUID)).isEqualTo(expected);

        List<Attributes> studies = Scu.find(node.dicomPort, Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                "PatientID=" + token() + "*", "StudyInstanceUID", "PatientName", "NumberOfStudyRelatedSeries");
        assertThat(Scu.values(studies, Tag.StudyInstanceUID)).isEqualTo(gen.studies().stream()
                .map(SyntheticStudies.Study::studyInstanceUid).collect(Collectors.toSet()));
        for (Attributes s : studies) {
            SyntheticStudies.Study st = gen.studies().stream()
                    .filter(x -> x.studyInstanceUid().equals(s.getString(Tag.StudyInstanceUID))).findFirst().orElseThrow();
            assertThat(s.getString(Tag.PatientName)).isEqualTo(st.patient().patientName());
            assertThat(s.getString(Tag.NumberOfStudyRelatedSeries)).isEqualTo("2");
        }
        for (SyntheticStudies.Study st : gen.studies()) {
            List<Attributes> series = Scu.find(node.dicomPort, Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=SERIES",
                    "StudyInstanceUID=" + st.studyInstanceUid(), "SeriesInstanceUID", "NumberOfSeriesRelatedInstances");
            assertThat(Scu.values(series, Tag.SeriesInstanceUID)).isEqualTo(seriesOf(st));
            for (Attributes s : series) assertThat(s.getString(Tag.NumberOfSeriesRelatedInstances)).isEqualTo("3");
        }
        for (SyntheticStudies.Series se : gen.series()) {
            List<Attributes> images = Scu.find(node.dicomPort, Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=IMAGE",
                    "StudyInstanceUID=" + se.study().studyInstanceUid(), "SeriesInstanceUID=" + se.seriesInstanceUid(),
                    "SOPInstanceUID", "InstanceNumber");
            assertThat(Scu.values(images, Tag.SOPInstanceUID)).isEqualTo(instancesOf(se));
        }
    }

    @Test
    void matchingKeys() throws IOException {
        List<SyntheticStudies.Study> byDate = gen.studies().stream()
                .sorted(Comparator.comparing(SyntheticStudies.Study::studyDate)).toList();
        String lo = byDate.get(1).studyDate(), hi = byDate.get(3).studyDate();
        List<Attributes> range = Scu.find(node.dicomPort, Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                "PatientID=" + token() + "*", "StudyDate=" + lo + "-" + hi, "StudyInstanceUID");
        assertThat(Scu.values(range, Tag.StudyInstanceUID)).isEqualTo(gen.studies().stream()
                .filter(s -> s.studyDate().compareTo(lo) >= 0 && s.studyDate().compareTo(hi) <= 0)
                .map(SyntheticStudies.Study::studyInstanceUid).collect(Collectors.toSet()));

        SyntheticStudies.Study st = gen.studies().get(1);
        List<Attributes> mr = Scu.find(node.dicomPort, Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=SERIES",
                "StudyInstanceUID=" + st.studyInstanceUid(), "Modality=MR", "SeriesInstanceUID");
        assertThat(Scu.values(mr, Tag.SeriesInstanceUID)).isEqualTo(gen.series().stream()
                .filter(s -> s.study() == st && s.modality().equals("MR"))
                .map(SyntheticStudies.Series::seriesInstanceUid).collect(Collectors.toSet()));

        // Case-insensitive names are the node's default (fuzzyPersonNameMatching).
        SyntheticStudies.Patient p = gen.patients().get(2);
        String family = p.patientName().substring(0, p.patientName().indexOf('^'));
        List<Attributes> byName = Scu.find(node.dicomPort, Scu.PATIENT_ROOT, tmp, "QueryRetrieveLevel=PATIENT",
                "SpecificCharacterSet=ISO_IR 100", "PatientName=" + family.toLowerCase(java.util.Locale.ROOT) + "^*",
                "PatientID=" + token() + "*");
        assertThat(Scu.values(byName, Tag.PatientID)).isEqualTo(gen.patients().stream()
                .filter(x -> x.patientName().startsWith(family + "^"))
                .map(SyntheticStudies.Patient::patientId).collect(Collectors.toSet()));
    }

    /**
     * findscu cancels after its first response. The node may have written every response before the C-CANCEL
     * arrives (a few dozen fit in the socket buffers): then the query ended with success and all matches; otherwise
     * it stops early with 0xFE00. (QueryServiceTest checks the stop itself deterministically.)
     */
    @Test
    void findHonoursCancel() {
        int studies = otherStudies.size() + gen.studies().size();
        Processes.Result r = Dcmtk.run("findscu", "-v", "-S", "-aec", ArchiveNode.AE_TITLE, "--cancel", "1",
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID", "127.0.0.1", String.valueOf(node.dicomPort));
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.stdout()).contains("Sending Cancel Request");
        long pending = r.stdout().lines().filter(l -> l.matches("I: Find Response: \\d+ \\(Pending\\)")).count();
        if (r.stdout().contains("Received Final Find Response (Cancel")) assertThat(pending).isLessThan(studies);
        else assertThat(pending).as("all matches when the cancel came too late\n%s", r.stdout()).isEqualTo(studies);
        Scu.echo(node.dicomPort);
    }

    @Test
    void moveToStorescpBringsBackWhatWasSent() throws IOException {
        // Patient root at patient level for the first patient, Study Root at study level for every other study.
        SyntheticStudies.Patient first = gen.patients().get(0);
        Processes.Result r = Scu.move(node.dicomPort, Scu.PATIENT_ROOT, "STORESCP", "QueryRetrieveLevel=PATIENT",
                "PatientID=" + first.patientId());
        assertThat(r.ok()).as(r.describe()).isTrue();
        Set<String> studies = new HashSet<>(otherStudies);
        gen.studies().stream().filter(s -> s.patient() != first).forEach(s -> studies.add(s.studyInstanceUid()));
        for (String study : studies) {
            r = Scu.move(node.dicomPort, Scu.STUDY_ROOT, "STORESCP", "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study);
            assertThat(r.ok()).as("movescu of %s\n%s", study, r.describe()).isTrue();
        }
        assertSameAsSent(Scu.bySopInstanceUid(storescpDir), sent.keySet());
        assertThat(node.metric("miroir_retrieved_bytes_total")).isPositive();

        Processes.Result unknown = Scu.move(node.dicomPort, Scu.STUDY_ROOT, "NOWHERE", "QueryRetrieveLevel=STUDY",
                "StudyInstanceUID=" + gen.studies().get(0).studyInstanceUid());
        assertThat(unknown.stdout()).contains("MoveDestinationUnknown");
    }

    @Test
    void getBringsBackWhatWasSent() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("getscu"));
        for (SyntheticStudies.Study st : gen.studies()) {
            Processes.Result r = Scu.get(node.dicomPort, Scu.STUDY_ROOT, out, "QueryRetrieveLevel=STUDY",
                    "StudyInstanceUID=" + st.studyInstanceUid());
            assertThat(r.ok()).as(r.describe()).isTrue();
        }
        SyntheticStudies.Series se = gen.series().get(5);
        Path series = Files.createDirectories(tmp.resolve("getscu-series"));
        assertThat(Scu.get(node.dicomPort, Scu.PATIENT_ROOT, series, "QueryRetrieveLevel=SERIES",
                "PatientID=" + se.study().patient().patientId(), "StudyInstanceUID=" + se.study().studyInstanceUid(),
                "SeriesInstanceUID=" + se.seriesInstanceUid()).ok()).isTrue();
        assertSameAsSent(Scu.bySopInstanceUid(series), instancesOf(se));
        Set<String> generated = gen.instances().stream().map(SyntheticStudies.Instance::sopInstanceUid)
                .collect(Collectors.toSet());
        assertSameAsSent(Scu.bySopInstanceUid(out), generated);
    }

    private static void assertSameAsSent(Map<String, Path> received, Set<String> expected) throws IOException {
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        List<String> problems = new ArrayList<>();
        for (String iuid : expected) {
            List<String> diffs = Scu.differences(sent.get(iuid), received.get(iuid));
            if (!diffs.isEmpty()) problems.add(sent.get(iuid) + ":\n    " + String.join("\n    ", diffs));
        }
        assertThat(problems).as("retrieved data sets that differ from the sent ones").isEmpty();
    }

    private static Set<String> seriesOf(SyntheticStudies.Study st) {
        return gen.series().stream().filter(s -> s.study() == st).map(SyntheticStudies.Series::seriesInstanceUid)
                .collect(Collectors.toSet());
    }

    private static Set<String> instancesOf(SyntheticStudies.Series se) {
        return gen.instances().stream().filter(i -> i.series() == se).map(SyntheticStudies.Instance::sopInstanceUid)
                .collect(Collectors.toSet());
    }
}
