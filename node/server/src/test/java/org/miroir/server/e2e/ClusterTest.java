package org.miroir.server.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;
import org.miroir.dicom.testing.Processes;
import org.miroir.dicom.testing.SyntheticStudies;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step 4: three nodes on Cassandra + Ceph behind a real HAProxy, started with {@code ops/dev/cluster}. In order: stores
 * through the balancer land on every node and are found and retrieved through any of them; an AE registry change made
 * on one node is used by another's C-MOVE within 2 s; a node killed (kill -9) under load loses only its own
 * associations, loses no acknowledged instance, and its job moves to a survivor within 15 s; a rolling restart under
 * load fails no association.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
    private static final int NODES = 3;
    private static final String SWEEPER = "cluster_job=\"orphan-sweeper\"";

    @TempDir
    static Path tmp;
    static BalancedCluster cluster;
    static ManagedProcess storescp;
    static Path storescpDir;
    static int storescpPort;

    @BeforeAll
    static void start() throws IOException {
        Dcmtk.assumeInstalled();
        storescpPort = FreePorts.next();
        storescpDir = Files.createDirectories(tmp.resolve("storescp"));
        storescp = Dcmtk.storescp(storescpPort, storescpDir, "-aet", "STORESCP", "+xa", "--fork");
        // The destination comes from the configuration file; test 2 adds one through the admin API.
        cluster = BalancedCluster.up(tmp.resolve("cluster"), NODES, "{\"aeRegistry\": {\"STORESCP\": "
                + "{\"host\": \"127.0.0.1\", \"port\": " + storescpPort + "}}}");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
        if (storescp != null) storescp.close();
    }

    /** A generated set written to files: file per SOP Instance UID, in the generator's order. */
    private static Map<String, Path> generate(String name, long seed, int patients, int instancesPerSeries)
            throws IOException {
        SyntheticStudies gen = SyntheticStudies.builder().seed(seed).patients(patients).studiesPerPatient(2)
                .seriesPerStudy(2).instancesPerSeries(instancesPerSeries).rows(16).columns(16).modalities("CT", "MR")
                .build();
        List<Path> files = gen.writeAll(tmp.resolve(name), UID.ExplicitVRLittleEndian);
        Map<String, Path> out = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) out.put(gen.instances().get(i).sopInstanceUid(), files.get(i));
        return out;
    }

    @Test
    @Order(1)
    void storesThroughTheBalancerLandOnEveryNodeAndAreFoundAndRetrievedThroughAnyNode() throws Exception {
        Map<String, Path> sent = generate("a", 41, 3, 5);
        int lb = cluster.balancerDicomPort();
        List<StoreLoad.Batch> batches = new StoreLoad(lb, List.copyOf(sent.values()), 10, 6, "A", Duration.ZERO)
                .finish();
        assertThat(batches).hasSize(6).allSatisfy(b -> assertThat(b.succeeded()).as("%s", b).isTrue());
        for (int i = 1; i <= NODES; i++)
            assertThat(cluster.metric(i, "miroir_instances_stored_total", "outcome=\"stored\""))
                    .as("instances stored by node %d (the balancer spreads associations)", i).isPositive();

        Set<String> studies = studiesOf(sent.values());
        List<Integer> ports = new ArrayList<>(List.of(lb));
        for (int i = 1; i <= NODES; i++) ports.add(cluster.dicomPort(i));
        for (int port : ports) {
            List<Attributes> found = Scu.find(port, Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                    "StudyInstanceUID=" + String.join("\\", studies), "NumberOfStudyRelatedInstances");
            assertThat(Scu.values(found, Tag.StudyInstanceUID)).as("studies found through port %d", port)
                    .containsExactlyInAnyOrderElementsOf(studies);
            assertThat(found).allSatisfy(a -> assertThat(a.getString(Tag.NumberOfStudyRelatedInstances)).isEqualTo("10"));
        }
        for (String study : studies)
            Scu.move(lb, Scu.STUDY_ROOT, "STORESCP", "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study).assertOk();
        assertEqual(sent, Scu.bySopInstanceUid(storescpDir));
        assertRetrievable(sent, "a-get");
    }

    @Test
    @Order(1)
    void dicomOverTlsPassesThroughTheBalancerAndPlainConnectionsToItFail() throws IOException {
        String cert = cluster.tlsCertificate().toString(), port = String.valueOf(cluster.balancerDicomTlsPort());
        Map<String, Path> sent = generate("tls", 45, 1, 2);
        List<String> args = new ArrayList<>(List.of("+tla", "+cf", cert, "-aec", "MIROIR", "127.0.0.1", port));
        sent.values().forEach(f -> args.add(f.toString()));
        Dcmtk.run(Dcmtk.TIMEOUT, "storescu", args).assertOk();
        List<Attributes> found = Scu.find(cluster.balancerDicomPort(), Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                "StudyInstanceUID=" + String.join("\\", studiesOf(sent.values())));
        assertThat(found).hasSize(2);
        assertThat(Dcmtk.run("echoscu", "-aec", "MIROIR", "-to", "3", "-ta", "3", "127.0.0.1", port).ok())
                .as("plain DICOM to the TLS port").isFalse();
    }

    @Test
    @Order(2)
    void hl7ThroughTheBalancerReachesTheWorklistOfEveryNode() throws Exception {
        String pid = Er7.pid("PCL1", "Cluster^Carl", "19700101", "M");
        try (Mllp hl7 = Mllp.connect(cluster.balancerHl7Port())) {
            String registered = hl7.exchange(Er7.adt("A04", "2.5", pid), Duration.ofSeconds(60));
            assertThat(Er7.field(registered, "MSA-1")).as(registered).isEqualTo("AA");
            String ordered = hl7.exchange(Er7.orm("2.5", "NW", pid, "PCL1", "CTX", "202503101100", "ACL1", "CTHEAD",
                    "CT Head", "CT", null), Duration.ofSeconds(60));
            assertThat(Er7.field(ordered, "MSA-1")).as(ordered).isEqualTo("AA");
        }
        List<Integer> ports = new ArrayList<>(List.of(cluster.balancerDicomPort()));
        for (int i = 1; i <= NODES; i++) ports.add(cluster.dicomPort(i));
        for (int port : ports) {
            List<Attributes> items = Scu.find(port, "-W", tmp, "ScheduledProcedureStepSequence[0].ScheduledStationAETitle=CTX", "AccessionNumber",
                    "PatientID");
            assertThat(items).as("the worklist through port %d", port).hasSize(1);
            assertThat(items.get(0).getString(Tag.AccessionNumber)).isEqualTo("ACL1");
            assertThat(items.get(0).getString(Tag.PatientID)).isEqualTo("PCL1");
        }
    }

    @Test
    @Order(2)
    void anAeRegistryChangeOnOneNodeIsUsedByAnotherNodesMoveWithinTwoSeconds() throws Exception {
        Map<String, Path> sent = generate("b", 42, 1, 1);
        Map<Path, String> stored = Scu.store(cluster.balancerDicomPort(), List.copyOf(sent.values()));
        assertThat(stored.values()).containsOnly("Success");
        String study = studiesOf(sent.values()).iterator().next();
        Path dir = Files.createDirectories(tmp.resolve("newdest"));
        int port = FreePorts.next();
        try (ManagedProcess newDest = Dcmtk.storescp(port, dir, "-aet", "NEWDEST", "+xa")) {
            Processes.Result unknown = Scu.move(cluster.dicomPort(2), Scu.STUDY_ROOT, "NEWDEST",
                    "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study);
            assertThat(unknown.stdout() + unknown.stderr()).as("NEWDEST is not known yet")
                    .contains("MoveDestinationUnknown");

            var put = cluster.http(cluster.httpPort(1), "PUT", "/admin/ae/NEWDEST",
                    "{\"host\": \"127.0.0.1\", \"port\": " + port + "}");
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            long changed = System.nanoTime();
            Processes.Result move;
            do {
                move = Scu.move(cluster.dicomPort(2), Scu.STUDY_ROOT, "NEWDEST", "QueryRetrieveLevel=STUDY",
                        "StudyInstanceUID=" + study);
            } while (!move.ok() && System.nanoTime() - changed < TimeUnit.SECONDS.toNanos(2));
            assertThat(move.ok()).as("C-MOVE to NEWDEST on node 2 within 2 s of the change on node 1:\n%s",
                    move.describe()).isTrue();
            Map<String, Path> ofStudy = new LinkedHashMap<>();
            for (var e : sent.entrySet())
                if (Scu.read(e.getValue()).getString(Tag.StudyInstanceUID).equals(study)) ofStudy.put(e.getKey(), e.getValue());
            assertEqual(ofStudy, Scu.bySopInstanceUid(dir));
            // Every node lists it, as a cluster-wide entry.
            for (int i = 1; i <= NODES; i++)
                assertThat(cluster.http(cluster.httpPort(i), "GET", "/admin/ae", null).body())
                        .contains("\"aeTitle\":\"NEWDEST\"").contains("\"source\":\"cluster\"");
        }
    }

    @Test
    @Order(3)
    void aNodeKilledUnderLoadLosesOnlyItsOwnAssociationsAndItsJobMoves() throws Exception {
        Map<String, Path> sent = generate("c", 43, 4, 25);
        int owner = sweeperOwner(List.of(1, 2, 3));
        StoreLoad load = new StoreLoad(cluster.balancerDicomPort(), List.copyOf(sent.values()), 5, 4, "C",
                Duration.ofMillis(100));
        awaitBatches(load, 12);
        long killed = System.nanoTime();
        cluster.killNode(owner);
        List<Integer> survivors = new ArrayList<>(List.of(1, 2, 3));
        survivors.remove(Integer.valueOf(owner));

        // The survivors see the same two members and one of them owns the job, within 15 s of the kill.
        long deadline = killed + TimeUnit.SECONDS.toNanos(15);
        while (!(membersAre(survivors, 2) && ownedCount(survivors) == 1) && System.nanoTime() < deadline)
            Thread.sleep(200);
        double tookSeconds = (System.nanoTime() - killed) / 1e9;
        assertThat(membersAre(survivors, 2)).as("survivors see 2 members").isTrue();
        assertThat(ownedCount(survivors)).as("the sweeper owned by exactly one survivor").isEqualTo(1);
        System.out.printf("job taken over %.1f s after the kill%n", tookSeconds);
        assertThat(clusterView(survivors.get(0))).as("the survivors' views of members and job owners")
                .isEqualTo(clusterView(survivors.get(1)));

        List<StoreLoad.Batch> batches = load.finish();
        // A failed association was on the killed node: the node logged it, or it never got an association and HAProxy
        // logged a connection to the killed node that the server side ended (its socket was gone in the middle).
        String killedLog = cluster.log(owner);
        long cutOnKilledNode = cluster.balancerLog().lines()
                .filter(l -> l.contains(" dicom_nodes/node" + owner + " ") && !l.matches(".* -- .*")).count();
        long neverAssociated = 0;
        List<Path> toResend = new ArrayList<>();
        for (StoreLoad.Batch b : batches) {
            if (b.succeeded()) continue;
            toResend.addAll(b.files());
            if (killedLog.contains("calling=" + b.callingAe() + " ")) continue;
            assertThat(b.output()).as("failed association %s is not in the killed node %d's log, so it must never "
                    + "have been associated; storescu said:%n%s", b.callingAe(), owner, b.output())
                    .contains("Association Request Failed");
            neverAssociated++;
        }
        assertThat(neverAssociated).as("associations that failed before association, against the connections to the "
                + "killed node that HAProxy saw cut").isLessThanOrEqualTo(cutOnKilledNode);
        System.out.printf("%d of %d associations failed with the node killed%n",
                batches.stream().filter(b -> !b.succeeded()).count(), batches.size());
        if (!toResend.isEmpty()) {
            List<StoreLoad.Batch> again = new StoreLoad(cluster.balancerDicomPort(), toResend, 5, 2, "R",
                    Duration.ZERO).finish();
            // What the killed node had stored before it died answers as a duplicate (its copy is kept).
            assertThat(again).allSatisfy(b -> assertThat(b.allStored()).as("re-sent %s", b).isTrue());
        }
        assertRetrievable(sent, "c-get");

        cluster.startNode(owner);
        awaitMembers(List.of(1, 2, 3), 3);
    }

    @Test
    @Order(4)
    void aRollingRestartUnderLoadFailsNoAssociation() throws Exception {
        // More than the restart needs at this pace (4 x 5 instances a second at most): the load must outlast it.
        Map<String, Path> sent = generate("d", 44, 30, 25);
        StoreLoad load = new StoreLoad(cluster.balancerDicomPort(), List.copyOf(sent.values()), 5, 4, "D",
                Duration.ofSeconds(1));
        awaitBatches(load, 8);
        cluster.rollingRestart();
        assertThat(load.pendingBatches()).as("the load lasted through the whole restart").isPositive();
        List<StoreLoad.Batch> batches = load.stop();
        System.out.printf("%d associations during the rolling restart%n", batches.size());
        assertThat(batches).allSatisfy(b -> assertThat(b.succeeded()).as("%s", b).isTrue());
        awaitMembers(List.of(1, 2, 3), 3);

        Map<String, Path> acknowledged = new LinkedHashMap<>();
        for (StoreLoad.Batch b : batches)
            for (Path f : b.acknowledged()) acknowledged.put(Scu.read(f).getString(Tag.SOPInstanceUID), f);
        Set<String> studies = studiesOf(acknowledged.values());
        Map<String, Integer> expected = new HashMap<>();
        for (Path f : acknowledged.values()) expected.merge(Scu.read(f).getString(Tag.StudyInstanceUID), 1, Integer::sum);
        List<Attributes> found = Scu.find(cluster.balancerDicomPort(), Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                "StudyInstanceUID=" + String.join("\\", studies), "NumberOfStudyRelatedInstances");
        Map<String, Integer> counts = new HashMap<>();
        for (Attributes a : found)
            counts.put(a.getString(Tag.StudyInstanceUID), Integer.parseInt(a.getString(Tag.NumberOfStudyRelatedInstances)));
        assertThat(counts).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- helpers

    private static Set<String> studiesOf(Iterable<Path> files) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (Path f : files) out.add(Scu.read(f).getString(Tag.StudyInstanceUID));
        return out;
    }

    /** Every instance of {@code sent} retrieved by C-GET through the balancer, equal element by element. */
    private static void assertRetrievable(Map<String, Path> sent, String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String study : studiesOf(sent.values()))
            Scu.get(cluster.balancerDicomPort(), Scu.STUDY_ROOT, dir, "QueryRetrieveLevel=STUDY",
                    "StudyInstanceUID=" + study).assertOk();
        assertEqual(sent, Scu.bySopInstanceUid(dir));
    }

    private static void assertEqual(Map<String, Path> sent, Map<String, Path> received) throws IOException {
        for (Map.Entry<String, Path> e : sent.entrySet()) {
            Path got = received.get(e.getKey());
            assertThat(got).as("instance %s retrieved", e.getKey()).isNotNull();
            assertThat(Scu.differences(e.getValue(), got)).as("instance %s", e.getKey()).isEmpty();
        }
    }

    private static void awaitBatches(StoreLoad load, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (load.batches().size() < n && System.nanoTime() < deadline) Thread.sleep(100);
        assertThat(load.batches()).as("batches sent before the fault").hasSizeGreaterThanOrEqualTo(n);
    }

    private static int sweeperOwner(List<Integer> nodes) throws IOException {
        for (int i : nodes) if (cluster.metric(i, "miroir_cluster_job_owned", SWEEPER) == 1) return i;
        throw new AssertionError("no node owns the orphan sweeper");
    }

    private static double ownedCount(List<Integer> nodes) throws IOException {
        double sum = 0;
        for (int i : nodes) sum += cluster.metric(i, "miroir_cluster_job_owned", SWEEPER);
        return sum;
    }

    private static boolean membersAre(List<Integer> nodes, int n) throws IOException {
        for (int i : nodes) if (cluster.metric(i, "miroir_cluster_members", "") != n) return false;
        return true;
    }

    private static void awaitMembers(List<Integer> nodes, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!membersAre(nodes, n) && System.nanoTime() < deadline) Thread.sleep(200);
        assertThat(membersAre(nodes, n)).as("every node sees %d members", n).isTrue();
        assertThat(ownedCount(nodes)).as("the sweeper owned by exactly one node").isEqualTo(1);
    }

    /** Node {@code i}'s view of the members and of who owns which job (/admin/cluster). */
    private static String clusterView(int i) throws IOException {
        var body = new io.vertx.core.json.JsonObject(cluster.http(cluster.httpPort(i), "GET", "/admin/cluster", null).body());
        return body.getJsonArray("members").encode() + " " + body.getJsonObject("jobOwners").encode();
    }
}
