package org.miroir.monitoring;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.drill.Instances;
import org.miroir.drill.Roots;
import org.miroir.drill.Site;
import org.miroir.drill.StoreTraffic;
import org.miroir.drill.TwoSites;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Prometheus, configured as {@code ops/prometheus} ships it (faster clocks aside), scraping a mirrored pair of
 * sites (a node each, embedded storage) and their witness, with the links between the sites cuttable:
 * <ol>
 *   <li>during a short ingest its query API has every expected series from both sites, and the counters increase;</li>
 *   <li>a varied workload (DICOM, DICOMweb, HL7, admin, an object lost from the store) runs on the active site, and
 *       Prometheus sees its failures, rejections, refusals and storage errors;</li>
 *   <li>with the mirror cut off, the RPO alert fires in Prometheus' own alert API, and clears once it is back;</li>
 *   <li>no series Prometheus stored carries a UID, a patient's data or a label of unbounded values;</li>
 *   <li>the Grafana dashboard of {@code ops/grafana} is well formed and every panel's queries return data.</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class PairMonitoringTest {
    private static final Duration RPO = Duration.ofSeconds(10);
    /** A UID as a label value would be: digits and two dots or more, nothing else (le="0.005" has one). */
    private static final Pattern UID_LIKE = Pattern.compile("\\d+(\\.\\d+){2,}");
    /** Distinct values of one label of one metric: the workload used hundreds of UIDs, dozens of patients. */
    private static final int MAX_LABEL_VALUES = 40;
    /** The labels Miroir's own metrics may carry (and those Prometheus adds: job, instance, site, le). */
    private static final Set<String> MIROIR_LABELS = Set.of("job", "instance", "site", "le", "operation", "sop_class",
            "status", "reason", "stage", "outcome", "route", "method", "code", "type", "ack", "cluster_job", "role",
            "op", "result", "store", "driver", "call", "error", "listener", "kind");

    @TempDir
    static Path dir;
    private TwoSites pair;
    private Site paris, lyon;
    private Prometheus prometheus;
    private VariedWorkload.Identifiers used;
    private final List<StoreTraffic.Ack> ingested = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        Dcmtk.assumeInstalled();
        Prometheus.assumeInstalled();
        pair = TwoSites.start(Roots.repo(), dir.resolve("pair"), new TwoSites.Options("embedded", 1,
                Duration.ofSeconds(4), RPO, Duration.ofSeconds(60), Duration.ofSeconds(3), true, false),
                TwoSites.environment(System.getProperty("java.class.path")));
        paris = pair.active;
        lyon = pair.mirror;
        prometheus = Prometheus.start(Roots.repo(), dir.resolve("prometheus"), Map.of("paris",
                List.of(paris.httpPort(1)), "lyon", List.of(lyon.httpPort(1))), pair.witnessPort());
    }

    @AfterAll
    void stop() {
        if (prometheus != null) prometheus.close();
        if (pair != null) pair.close();
    }

    private void await(String what, Duration within, Check check) {
        TwoSites.await(() -> {
            try {
                return check.holds();
            } catch (IOException e) {
                return false;
            }
        }, within, what);
    }

    private interface Check {
        boolean holds() throws IOException;
    }

    private double value(String promql) throws IOException {
        Double v = prometheus.value(promql);
        return v == null ? 0 : v;
    }

    @Test
    @Order(1)
    void duringAnIngestPrometheusHasTheExpectedSeriesOfBothSitesAndTheCountersIncrease() throws Exception {
        await("both nodes and the witness scraped", Duration.ofSeconds(60), () -> value("sum(up)") == 3);
        Instant started = Instant.now();
        List<StoreTraffic.Ack> acks;
        try (StoreTraffic traffic = new StoreTraffic(paris.balancerDicomPort(), 2, new Instances(71))) {
            Thread.sleep(12_000);
            traffic.stop();
            acks = traffic.acks();
        }
        Instant stopped = Instant.now();
        assertThat(acks).hasSizeGreaterThan(20);
        ingested.addAll(acks);
        int n = acks.size();
        await("every acknowledged store scraped", Duration.ofSeconds(30), () ->
                value("sum(miroir_instances_stored_total{site=\"paris\",outcome=\"stored\"})") >= n);
        await("every instance on the mirror", Duration.ofMinutes(2), () ->
                value("sum(miroir_dr_received_total{site=\"lyon\",outcome=\"stored\"})") >= n);

        // Series of both sites (the DR ones: each with its own role), then what only the traffic's side has.
        for (String family : List.of("up", "miroir_associations_active", "miroir_associations_accepted_total",
                "miroir_stored_bytes_total", "miroir_retrieved_bytes_total", "miroir_instances_stored_total",
                "miroir_store_stage_duration_seconds_count", "miroir_http_request_duration_seconds_count",
                "miroir_hl7_connections_active", "miroir_storage_call_duration_seconds_count", "miroir_node_ready",
                "miroir_object_store_size_bytes", "miroir_object_store_used_bytes",
                "miroir_object_store_available_bytes", "miroir_tls_certificate_expiry_timestamp_seconds",
                "miroir_cluster_members", "miroir_cluster_job_owned", "miroir_dr_site_role", "miroir_dr_epoch",
                "miroir_dr_lease_remaining_seconds", "miroir_dr_witness_reachable", "miroir_dr_rpo_seconds",
                "miroir_dr_rpo_objective_seconds", "miroir_dr_replication_lag_entries",
                "miroir_dr_verification_coverage_ratio", "miroir_dr_verification_mismatches",
                "miroir_dr_last_drill_rto_seconds", "miroir_dr_last_drill_lost_instances", "jvm_memory_bytes_used",
                "process_cpu_seconds_total"))
            assertThat(sites("count by (site) (" + family + "{job=\"miroir\"})")).as(family)
                    .containsExactlyInAnyOrder("paris", "lyon");
        for (String series : List.of(
                "miroir_dimse_duration_seconds_count{operation=\"C_STORE_RQ\",sop_class=\"image\",status=\"success\"}",
                "miroir_dr_shipped_entries_total", "miroir_dr_replication_delay_seconds_count > 0",
                "miroir_dr_verification_checked_total"))
            assertThat(sites("count by (site) (" + series + ")")).as(series).containsExactly("paris");
        assertThat(sites("count by (site) (miroir_dr_received_total)")).containsExactly("lyon");
        assertThat(value("max(miroir_dr_site_role{site=\"paris\",role=\"ACTIVE\"})")).isEqualTo(1);
        assertThat(value("max(miroir_dr_site_role{site=\"lyon\",role=\"PASSIVE\"})")).isEqualTo(1);
        assertThat(value("max(miroir_dr_rpo_objective_seconds{site=\"paris\"})")).isEqualTo(RPO.toSeconds());
        assertThat(value("count(miroir_witness_epoch{job=\"miroir-witness\"})")).isEqualTo(1);

        // Counters of the ingest, as Prometheus scraped them while it ran: they only went up, those of the active
        // site's store path with every scrape or so, replication's in batches.
        for (String counter : List.of("sum(miroir_instances_stored_total{site=\"paris\",outcome=\"stored\"})",
                "sum(miroir_stored_bytes_total{site=\"paris\"})",
                "sum(miroir_dimse_duration_seconds_count{site=\"paris\",operation=\"C_STORE_RQ\"})",
                "sum(miroir_storage_call_duration_seconds_count{site=\"paris\",store=\"metadata\",call=\"store\"})",
                "sum(miroir_dr_shipped_entries_total{site=\"paris\"})",
                "sum(miroir_dr_received_total{site=\"lyon\"})",
                "sum(miroir_instances_stored_total{site=\"lyon\",outcome=\"stored\"})")) {
            List<Double> v = prometheus.range(counter, started, stopped.plusSeconds(2));
            for (int i = 1; i < v.size(); i++) assertThat(v.get(i)).as(counter).isGreaterThanOrEqualTo(v.get(i - 1));
            assertThat(v.stream().distinct().count()).as("%s rose: %s", counter, v)
                    .isGreaterThan(counter.contains("_dr_") || counter.contains("lyon") ? 1 : 3);
        }
    }

    /** The {@code site} labels of a query's samples. */
    private List<String> sites(String promql) throws IOException {
        JsonArray r = prometheus.query(promql);
        List<String> out = new ArrayList<>();
        for (Object o : r) out.add(((JsonObject) o).getJsonObject("metric").getString("site"));
        return out;
    }

    @Test
    @Order(2)
    void aVariedWorkloadOnTheActiveSite() throws Exception {
        used = VariedWorkload.run(paris, Files.createDirectories(dir.resolve("workload")));
        // An object lost from the active site's store (the mirror has its copy): reading it fails in the driver.
        StoreTraffic.Ack lost = ingested.get(0);
        Path file;
        try (Stream<Path> files = Files.walk(paris.dir.resolve("node1/data/objects"))) {
            file = files.filter(f -> f.getFileName().toString().startsWith(lost.sopInstanceUid() + "-")).findFirst()
                    .orElseThrow();
        }
        Files.delete(file);
        assertThat(paris.get(paris.httpPort(1), "/wado?requestType=WADO&contentType=application/dicom&studyUID="
                + lost.studyUid() + "&seriesUID=" + lost.seriesUid() + "&objectUID=" + lost.sopInstanceUid())
                .statusCode()).isGreaterThanOrEqualTo(400);
        // Seen by Prometheus: the failure (C-MOVE to an unknown AE), the rejection, the NAKs, the storage refusal.
        for (String[] expected : new String[][] {
                {"miroir_dimse_duration_seconds_count{operation=\"C_MOVE_RQ\",status=\"failure\"}", "1"},
                {"miroir_dimse_duration_seconds_count{operation=\"C_GET_RQ\",sop_class=\"query_retrieve\","
                        + "status=\"success\"}", "1"},
                {"miroir_associations_rejected_total{reason=\"1/7\"}", "1"},
                {"miroir_hl7_messages_total{ack=\"AA\"}", "1"},
                {"miroir_hl7_messages_total{ack=\"AE\"}", "2"},
                {"miroir_hl7_messages_total{ack=\"AR\"}", "1"},
                {"miroir_storage_call_errors_total{store=\"objects\",call=\"get\",error=\"not_found\"}", "1"}}) {
            String promql = "sum(" + expected[0].replace("{", "{site=\"paris\",") + ")";
            double want = Double.parseDouble(expected[1]);
            double[] last = {0};
            try {
                await(promql, Duration.ofSeconds(30), () -> (last[0] = value(promql)) == want);
            } catch (IllegalStateException e) {
                throw new AssertionError(promql + " is " + last[0] + ", not " + want, e);
            }
        }
    }

    @Test
    @Order(3)
    void withTheMirrorCutOffTheRpoAlertFiresAndClearsOnceItIsBack() throws Exception {
        assertThat(prometheus.alerts()).as("nothing about the RPO while replication keeps up")
                .noneMatch(a -> a.getJsonObject("labels").getString("alertname").equals("MiroirRpoObjectiveBreached"));
        pair.cutLinkBetweenSites(true);
        try (StoreTraffic traffic = new StoreTraffic(paris.balancerDicomPort(), 1, new Instances(72))) {
            await("the RPO alert firing for paris", Duration.ofSeconds(90),
                    () -> prometheus.firing("MiroirRpoObjectiveBreached", "paris"));
            traffic.stop();
            ingested.addAll(traffic.acks());
        } finally {
            pair.cutLinkBetweenSites(false);
        }
        assertThat(value("max(miroir_dr_rpo_seconds{site=\"paris\"})")).isGreaterThan(RPO.toSeconds());
        assertThat(value("sum(miroir_dr_ship_errors_total{site=\"paris\",reason=\"unreachable\"})")).isPositive();
        await("the RPO alert cleared", Duration.ofMinutes(3),
                () -> !prometheus.firing("MiroirRpoObjectiveBreached", "paris"));
    }

    @Test
    @Order(4)
    void noSeriesCarriesAUidAPatientsDataOrAnUnboundedLabel() throws Exception {
        assertThat(used).as("the varied workload ran").isNotNull();
        Set<String> uids = new HashSet<>(used.uids());
        ingested.forEach(a -> uids.addAll(List.of(a.sopInstanceUid(), a.seriesUid(), a.studyUid())));
        assertThat(uids).hasSizeGreaterThan(100);
        List<JsonObject> series = prometheus.series(".+");
        // metric -> label -> values
        Map<String, Map<String, Set<String>>> values = new TreeMap<>();
        for (JsonObject s : series) {
            String name = s.getString("__name__");
            for (String label : s.fieldNames()) {
                if (label.equals("__name__")) continue;
                String v = s.getString(label);
                values.computeIfAbsent(name, k -> new TreeMap<>()).computeIfAbsent(label, k -> new HashSet<>()).add(v);
                assertThat(UID_LIKE.matcher(v).matches()).as("%s{%s=%s} is a UID", name, label, v).isFalse();
                for (String p : used.patientValues())
                    assertThat(v).as("%s{%s} holds patient data", name, label).doesNotContain(p);
                if (v.length() >= 10)
                    for (String uid : uids)
                        assertThat(v).as("%s{%s} holds a UID", name, label).doesNotContain(uid);
            }
            if (name.startsWith("miroir_"))
                assertThat(MIROIR_LABELS).as("labels of %s", name).containsAll(s.fieldNames().stream()
                        .filter(l -> !l.equals("__name__")).toList());
        }
        values.forEach((name, labels) -> labels.forEach((label, vs) -> assertThat(vs.size())
                .as("values of %s{%s}: %s", name, label, vs).isLessThanOrEqualTo(MAX_LABEL_VALUES)));
        assertThat(values).containsKeys("miroir_dimse_duration_seconds_bucket", "miroir_http_request_duration_seconds_bucket",
                "miroir_hl7_messages_total", "miroir_storage_call_errors_total", "miroir_dr_ship_errors_total");
    }

    @Test
    @Order(5)
    void theDashboardIsWellFormedAndEveryPanelsQueriesReturnData() throws Exception {
        JsonObject dashboard = new JsonObject(Files.readString(Roots.repo().resolve("ops/grafana/miroir.json")));
        Set<String> variables = new HashSet<>();
        for (Object v : dashboard.getJsonObject("templating").getJsonArray("list"))
            variables.add(((JsonObject) v).getString("name"));
        assertThat(variables).containsExactlyInAnyOrder("datasource", "site");
        assertThat(dashboard.getString("uid")).isNotBlank();

        Set<Integer> ids = new HashSet<>();
        List<int[]> cells = new ArrayList<>();
        Map<String, String> queries = new HashMap<>();
        Pattern variable = Pattern.compile("\\$\\{?(\\w+)");
        for (Object o : dashboard.getJsonArray("panels")) {
            JsonObject panel = (JsonObject) o;
            String title = panel.getString("title");
            assertThat(ids.add(panel.getInteger("id"))).as("panel id of %s unique", title).isTrue();
            JsonObject grid = panel.getJsonObject("gridPos");
            int[] cell = {grid.getInteger("x"), grid.getInteger("y"), grid.getInteger("w"), grid.getInteger("h")};
            assertThat(cell[0] + cell[2]).as("%s within 24 columns", title).isLessThanOrEqualTo(24);
            for (int[] other : cells)
                assertThat(cell[0] < other[0] + other[2] && other[0] < cell[0] + cell[2] && cell[1] < other[1] + other[3]
                        && other[1] < cell[1] + cell[3]).as("%s overlaps another panel", title).isFalse();
            cells.add(cell);
            if (panel.getString("type").equals("row")) continue;
            assertThat(panel.getJsonObject("datasource").getString("uid")).isEqualTo("${datasource}");
            JsonArray targets = panel.getJsonArray("targets");
            assertThat(targets).as("%s has queries", title).isNotEmpty();
            for (Object t : targets) {
                String expr = ((JsonObject) t).getString("expr");
                Matcher m = variable.matcher(expr);
                while (m.find())
                    assertThat(variables.contains(m.group(1)) || m.group(1).equals("__rate_interval"))
                            .as("%s uses $%s", title, m.group(1)).isTrue();
                queries.put(title + " / " + ((JsonObject) t).getString("refId"), expr);
            }
        }
        assertThat(queries).hasSizeGreaterThan(30);
        // As Grafana would send them with site "paris" chosen.
        List<String> empty = new ArrayList<>();
        for (Map.Entry<String, String> q : new TreeMap<>(queries).entrySet()) {
            String promql = q.getValue().replace("$site", "paris").replace("$__rate_interval", "1m");
            if (prometheus.query(promql).isEmpty()) empty.add(q.getKey() + ": " + promql);
        }
        assertThat(empty).as("panels whose queries return nothing").isEmpty();
    }
}
