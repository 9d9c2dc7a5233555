package org.miroir.server.e2e;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.Processes;
import org.miroir.dicom.testing.SelfSignedKey;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.server.logging.AccessLog;
import org.miroir.server.web.DicomWebClient;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node started by {@code ops/miroir run} with the production calling-AE setting
 * ({@code restrictCallingAETitlesToRegistry}): a calling AE title the registry does not name gets an A-ASSOCIATE-RJ
 * (permanent, service user, calling AE title not recognized), a registered one is served. The metrics of
 * {@code /metrics}: every family exists, and a small workload (a rejected association, C-ECHO, C-STORE of new
 * instances and of a duplicate, C-FIND, C-GET) moves each by what it implies. And its log, in JSON lines: an access
 * line for every DICOM and DICOMweb read and write.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NodeAccessAndMetricsTest {
    /** Some room per object for what the node writes besides the data set: preamble and File Meta Information. */
    private static final long META_ALLOWANCE = 4096;

    @TempDir
    static Path tmp;
    static ArchiveNode node;
    static SelfSignedKey tlsKey;

    @BeforeAll
    static void start() throws IOException {
        Dcmtk.assumeInstalled();
        // The calling AE titles dcmtk's tools use by default; callers only, never C-MOVE destinations here.
        JsonObject registry = new JsonObject();
        for (String aet : List.of("ECHOSCU", "STORESCU", "FINDSCU", "GETSCU"))
            registry.put(aet, new JsonObject().put("host", "127.0.0.1").put("port", 104));
        tlsKey = SelfSignedKey.create(tmp, "node");
        node = ArchiveNode.start(tmp.resolve("data"), new JsonObject().put("aeRegistry", registry)
                .put("restrictCallingAETitlesToRegistry", true).put("logFormat", "json")
                .put("dicomTlsPort", FreePorts.next()).put("tls", new JsonObject()
                        .put("keyStore", tlsKey.keyStore().toString()).put("keyStorePassword", tlsKey.password())));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static Processes.Result echoAs(String callingAETitle) {
        return Dcmtk.run(Duration.ofSeconds(30), "echoscu", "-aet", callingAETitle, "-aec", ArchiveNode.AE_TITLE,
                "127.0.0.1", String.valueOf(node.dicomPort));
    }

    @Test
    void unknownCallingAETitleIsRejectedARegisteredOneServed() {
        Processes.Result intruder = echoAs("INTRUDER");
        assertThat(intruder.ok()).as(intruder.describe()).isFalse();
        assertThat(intruder.stdout()).contains("Association Rejected").contains("Rejected Permanent")
                .contains("Service User").contains("Calling AE Title Not Recognized");
        assertThat(echoAs("ECHOSCU").ok()).isTrue();
    }

    @Test
    void metricFamiliesExistAndMoveWithTheWorkload() throws Exception {
        SyntheticStudies gen = SyntheticStudies.builder().seed(4242).patients(1).seriesPerStudy(1).instancesPerSeries(3)
                .rows(32).columns(32).build();
        List<Path> files = gen.writeAll(tmp.resolve("sent"), UID.ExplicitVRLittleEndian);
        long dataSets = 0;
        for (Path f : files) dataSets += dataSetLength(f);
        String study = gen.studies().get(0).studyInstanceUid();

        String before = node.get("/metrics").body();
        assertThat(echoAs("INTRUDER").ok()).isFalse();
        Scu.echo(node.dicomPort);
        assertThat(Scu.store(node.dicomPort, files).values()).containsOnly("Success").hasSize(3);
        assertThat(Scu.store(node.dicomPort, files.subList(0, 1)).values()).as("duplicate, kept").containsExactly("Warning");
        assertThat(Scu.find(node.dicomPort, Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study))
                .hasSize(1);
        Path got = Files.createDirectories(tmp.resolve("got"));
        assertThat(Scu.get(node.dicomPort, Scu.STUDY_ROOT, got, "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study)
                .ok()).isTrue();
        awaitNoOpenAssociation();
        String after = node.get("/metrics").body();

        for (String family : List.of("miroir_associations_active gauge", "miroir_associations_accepted_total counter",
                "miroir_associations_rejected_total counter", "miroir_dimse_duration_seconds histogram",
                "miroir_stored_bytes_total counter", "miroir_retrieved_bytes_total counter",
                "miroir_store_stage_duration_seconds histogram", "miroir_instances_stored_total counter",
                "miroir_storage_call_duration_seconds histogram", "miroir_node_ready gauge",
                "miroir_object_store_available_bytes gauge"))
            assertThat(after).contains("# TYPE " + family);

        Delta d = new Delta(before, after);
        assertThat(d.of("miroir_associations_accepted_total")).as("echo, store, store, find, get").isEqualTo(5);
        assertThat(d.of("miroir_associations_rejected_total", "reason=\"1/3\"")).isEqualTo(1);
        assertThat(ArchiveNode.metricIn(after, "miroir_associations_active")).isZero();

        String ds = "miroir_dimse_duration_seconds";
        assertThat(d.of(ds + "_count", "operation=\"C_ECHO_RQ\"", "sop_class=\"verification\"", "status=\"success\""))
                .isEqualTo(1);
        assertThat(d.of(ds + "_count", "operation=\"C_STORE_RQ\"", "sop_class=\"image\"")).isEqualTo(4);
        assertThat(d.of(ds + "_count", "operation=\"C_FIND_RQ\"", "sop_class=\"query_retrieve\"")).isEqualTo(1);
        assertThat(d.of(ds + "_count", "operation=\"C_STORE_RQ\"", "status=\"success\"")).isEqualTo(3);
        assertThat(d.of(ds + "_count", "operation=\"C_STORE_RQ\"", "status=\"warning\"")).isEqualTo(1);
        assertThat(d.of(ds + "_count", "operation=\"C_FIND_RQ\"", "status=\"success\"")).isEqualTo(1);
        assertThat(d.of(ds + "_count", "operation=\"C_GET_RQ\"", "status=\"success\"")).isEqualTo(1);
        assertThat(d.of(ds + "_bucket", "operation=\"C_STORE_RQ\"", "status=\"success\"", "le=\"+Inf\"")).isEqualTo(3);
        assertThat(d.of(ds + "_sum", "operation=\"C_STORE_RQ\"", "status=\"success\"")).isPositive();

        // Four objects were written (the duplicate's too, deleted once the index kept the first copy).
        long duplicate = dataSetLength(files.get(0));
        assertThat(d.of("miroir_stored_bytes_total")).isBetween((double) dataSets + duplicate,
                (double) dataSets + duplicate + 4 * META_ALLOWANCE);
        assertThat(d.of("miroir_retrieved_bytes_total")).isBetween((double) dataSets, (double) dataSets + 3 * META_ALLOWANCE);
        for (String stage : List.of("parse", "object_write", "metadata_write")) {
            assertThat(d.of("miroir_store_stage_duration_seconds_count", "stage=\"" + stage + "\"")).as(stage).isEqualTo(4);
            assertThat(d.of("miroir_store_stage_duration_seconds_sum", "stage=\"" + stage + "\"")).as(stage).isPositive();
        }
        assertThat(d.of("miroir_instances_stored_total", "outcome=\"stored\"")).isEqualTo(3);
        assertThat(d.of("miroir_instances_stored_total", "outcome=\"duplicate_ignored\"")).isEqualTo(1);

        // The drivers' calls: four objects written and indexed, three read back by C-GET (each in two reads: its
        // meta information, then its data set).
        String calls = "miroir_storage_call_duration_seconds_count";
        assertThat(d.of(calls, "store=\"metadata\"", "driver=\"embedded\"", "call=\"store\"")).isEqualTo(4);
        assertThat(d.of(calls, "store=\"objects\"", "driver=\"embedded\"", "call=\"create\"")).isEqualTo(4);
        assertThat(d.of(calls, "store=\"objects\"", "call=\"get\"")).isEqualTo(6);
        assertThat(ArchiveNode.metricIn(after, "miroir_storage_call_errors_total")).isZero();
        assertThat(ArchiveNode.metricIn(after, "miroir_node_ready")).isEqualTo(1);
        double size = ArchiveNode.metricIn(after, "miroir_object_store_size_bytes");
        assertThat(size).isEqualTo(Files.getFileStore(node.dataDir).getTotalSpace());
        assertThat(ArchiveNode.metricIn(after, "miroir_object_store_available_bytes")).isPositive().isLessThan(size);
        assertThat(ArchiveNode.metricIn(after, "miroir_object_store_used_bytes")).isPositive().isLessThan(size);
    }

    @Test
    void theTlsKeysExpiryIsExported() throws Exception {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(tlsKey.certificate())) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(node.metric("miroir_tls_certificate_expiry_timestamp_seconds", "listener=\"dicom\""))
                .isEqualTo(cert.getNotAfter().getTime() / 1000.0);
    }

    @Test
    void theAccessLogHasAJsonLineForEveryDicomAndDicomWebReadAndWrite() throws Exception {
        SyntheticStudies gen = SyntheticStudies.builder().seed(777).patients(1).seriesPerStudy(1).instancesPerSeries(2)
                .rows(16).columns(16).build();
        List<Path> files = gen.writeAll(tmp.resolve("logged"), UID.ExplicitVRLittleEndian);
        Attributes first = Scu.read(files.get(0)), second = Scu.read(files.get(1));
        String study = first.getString(Tag.StudyInstanceUID), series = first.getString(Tag.SeriesInstanceUID);
        String iuid1 = first.getString(Tag.SOPInstanceUID), iuid2 = second.getString(Tag.SOPInstanceUID);

        assertThat(echoAs("STRANGER").ok()).isFalse();
        assertThat(Scu.store(node.dicomPort, files.subList(0, 1)).values()).containsExactly("Success");
        DicomWebClient web = node.web();
        assertThat(web.stow("/dicom-web/studies", files.subList(1, 2)).statusCode()).isEqualTo(200);
        assertThat(Scu.get(node.dicomPort, Scu.STUDY_ROOT, Files.createDirectories(tmp.resolve("logged-got")),
                "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study).ok()).isTrue();
        assertThat(web.get("/dicom-web/studies/" + study, "multipart/related; type=\"application/dicom\"").statusCode())
                .isEqualTo(200);
        assertThat(node.get("/wado?requestType=WADO&contentType=application/dicom&studyUID=" + study + "&seriesUID="
                + series + "&objectUID=" + iuid1).statusCode()).isEqualTo(200);
        awaitNoOpenAssociation();

        List<JsonObject> lines = new ArrayList<>();
        for (String line : node.output().split("\n")) {
            assertThat(line).as("a java.util.logging line in text format").doesNotMatch(
                    "^(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST): .*");
            if (line.startsWith("{")) lines.add(new JsonObject(line));
        }
        assertThat(lines).allSatisfy(l -> assertThat(l.fieldNames()).contains("time", "level", "logger", "message"));
        List<JsonObject> access = lines.stream().filter(l -> AccessLog.LOGGER.equals(l.getString("logger"))).toList();

        JsonObject stored = one(access, "dimse", "operation", "C-STORE", "role", "served", "sopInstanceUid", iuid1);
        assertThat(stored.getString("calling")).isEqualTo("STORESCU");
        assertThat(stored.getString("called")).isEqualTo(ArchiveNode.AE_TITLE);
        assertThat(stored.getString("remote")).startsWith("127.0.0.1:");
        assertThat(stored.getString("association")).startsWith("SCP-");
        assertThat(stored.getString("status")).isEqualTo("0000");
        assertThat(stored.getString("sopClassUid")).isEqualTo(first.getString(Tag.SOPClassUID));
        assertThat(stored.getDouble("durationMs")).isPositive();
        one(access, "association_opened", "association", stored.getString("association"));
        one(access, "stow", "sopInstanceUid", iuid2, "status", "0000", "studyUid", study);
        one(access, "http", "method", "POST", "route", "/dicom-web/studies", "status", 200);
        // C-GET: the request, and each instance sent on its association.
        for (String iuid : List.of(iuid1, iuid2)) {
            JsonObject sent = one(access, "dimse", "operation", "C-STORE", "role", "invoked", "sopInstanceUid", iuid,
                    "calling", "GETSCU", "status", "0000");
            one(access, "dimse", "operation", "C-GET", "role", "served", "status", "0000",
                    "association", sent.getString("association"));
            one(access, "wado", "sopInstanceUid", iuid, "studyUid", study, "seriesUid", series);
        }
        one(access, "http", "method", "GET", "route", "/dicom-web/studies/:study", "studyUid", study, "status", 200);
        one(access, "http", "route", "/wado", "sopInstanceUid", iuid1, "status", 200);
        assertThat(one(lines, "association_rejected", "calling", "STRANGER").getString("level")).isEqualTo("WARNING");
    }

    /** The one line of {@code event} whose fields have these values (name, value, name, value, ...). */
    private static JsonObject one(List<JsonObject> lines, String event, Object... fields) {
        List<JsonObject> found = lines.stream().filter(l -> event.equals(l.getString("event"))).filter(l -> {
            for (int i = 0; i < fields.length; i += 2)
                if (!fields[i + 1].equals(l.getValue((String) fields[i]))) return false;
            return true;
        }).toList();
        assertThat(found).as("%s lines with %s", event, java.util.Arrays.toString(fields)).hasSize(1);
        return found.get(0);
    }

    /** How much a metric moved between two scrapes. */
    private record Delta(String before, String after) {
        double of(String name, String... labels) {
            return ArchiveNode.metricIn(after, name, labels) - ArchiveNode.metricIn(before, name, labels);
        }
    }

    /** The bytes of a file's data set: what storescu sends, without preamble and meta information. */
    private static long dataSetLength(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file); DicomInputStream dis = new DicomInputStream(in)) {
            dis.readFileMetaInformation();
            return Files.size(file) - dis.getPosition();
        }
    }

    /** Waits (bounded) until the node has seen every association end: the gauge falls as each closes. */
    private static void awaitNoOpenAssociation() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (node.metric("miroir_associations_active") > 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("associations still open:\n" + node.output());
            Thread.sleep(50);
        }
    }
}
