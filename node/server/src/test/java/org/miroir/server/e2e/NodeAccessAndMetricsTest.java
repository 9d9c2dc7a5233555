package org.miroir.server.e2e;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.Processes;
import org.miroir.dicom.testing.SyntheticStudies;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node started by {@code ops/miroir run} with the production calling-AE setting
 * ({@code restrictCallingAETitlesToRegistry}): a calling AE title the registry does not name gets an A-ASSOCIATE-RJ
 * (permanent, service user, calling AE title not recognized), a registered one is served. And the metrics of
 * {@code /metrics}: every family exists, and a small workload (a rejected association, C-ECHO, C-STORE of new
 * instances and of a duplicate, C-FIND, C-GET) moves each by what it implies.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NodeAccessAndMetricsTest {
    /** Some room per object for what the node writes besides the data set: preamble and File Meta Information. */
    private static final long META_ALLOWANCE = 4096;

    @TempDir
    static Path tmp;
    static ArchiveNode node;

    @BeforeAll
    static void start() throws IOException {
        Dcmtk.assumeInstalled();
        // The calling AE titles dcmtk's tools use by default; callers only, never C-MOVE destinations here.
        JsonObject registry = new JsonObject();
        for (String aet : List.of("ECHOSCU", "STORESCU", "FINDSCU", "GETSCU"))
            registry.put(aet, new JsonObject().put("host", "127.0.0.1").put("port", 104));
        node = ArchiveNode.start(tmp.resolve("data"), new JsonObject().put("aeRegistry", registry)
                .put("restrictCallingAETitlesToRegistry", true));
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

        for (Map.Entry<String, String> family : Map.of("miroir_associations_active", "gauge",
                "miroir_associations_accepted_total", "counter", "miroir_associations_rejected_total", "counter",
                "miroir_dimse_duration_seconds", "histogram", "miroir_stored_bytes_total", "counter",
                "miroir_retrieved_bytes_total", "counter", "miroir_store_stage_duration_seconds", "histogram",
                "miroir_instances_stored_total", "counter").entrySet())
            assertThat(after).contains("# TYPE " + family.getKey() + " " + family.getValue());

        Delta d = new Delta(before, after);
        assertThat(d.of("miroir_associations_accepted_total")).as("echo, store, store, find, get").isEqualTo(5);
        assertThat(d.of("miroir_associations_rejected_total", "reason=\"1/3\"")).isEqualTo(1);
        assertThat(ArchiveNode.metricIn(after, "miroir_associations_active")).isZero();

        String ds = "miroir_dimse_duration_seconds";
        assertThat(d.of(ds + "_count", "operation=\"C_ECHO_RQ\"", "status=\"success\"")).isEqualTo(1);
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
