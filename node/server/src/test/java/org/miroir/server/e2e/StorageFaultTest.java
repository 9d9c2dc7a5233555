package org.miroir.server.e2e;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.ManagedProcess;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.server.storage.Storage;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.object.ObjectInfo;
import org.miroir.storage.object.ObjectPage;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step 3 "done when" 3: a node loses Cassandra, then the Ceph OSD, while storescu processes are sending. It runs on a
 * Cassandra and a Ceph of this test's own, started and stopped here, because it kills them: the run's shared backends
 * must stay up for the other suites. Each fault lands once the node has stored a first share of the instances, with
 * C-STOREs in flight; each storescu stops at its first C-STORE that does not succeed (no {@code --no-halt}), so a
 * fault costs one failed C-STORE per sender, not a queue of them each waiting out a timeout. No C-STORE that failed is
 * reported success: every instance storescu saw acknowledged is retrieved by getscu equal to what was sent. The node
 * stays up and {@code /health/ready} answers 503 until the backend is back; then it is ready and the instances that
 * failed store again (sent up to three times, as a modality's queue would). After {@code POST /admin/orphan-sweep}
 * (grace 0) the objects in the RADOS namespace are exactly those the index rows point to, each with the size and
 * digest its row records.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class StorageFaultTest {
    private static final int SENDERS = 2;
    /** Instances per storescu: far more than are stored before the fault, so the fault lands while they send. */
    private static final int PER_SENDER = 500;
    /** Stored (by all senders together) before the fault is injected. */
    private static final int BEFORE_FAULT = 40;
    private static final long WAIT_SECONDS = 180;
    /** How often an instance that failed during the fault is sent again after the repair, and the pause between. */
    private static final int RESEND_ROUNDS = 3;
    private static final long RESEND_PAUSE_MILLIS = 5_000;

    @TempDir
    static Path tmp;
    static DevBackend cassandra;
    static DevBackend ceph;
    static JsonObject storage;
    static ArchiveNode node;

    @BeforeAll
    static void start() throws Exception {
        Dcmtk.assumeInstalled();
        cassandra = DevBackend.cassandra(tmp.resolve("cassandra"));
        ceph = DevBackend.ceph(tmp.resolve("ceph"));
        CompletableFuture<Map<String, String>> c = CompletableFuture.supplyAsync(() -> cassandra.run("start"));
        CompletableFuture<Map<String, String>> o = CompletableFuture.supplyAsync(() -> {
            ceph.run("start");
            return ceph.run("env");
        });
        // Each script run is bounded (DevBackend); join both so neither is left starting behind the test's back.
        CompletableFuture.allOf(c, o).exceptionally(t -> null).join();
        StorageBackends.Endpoints own = new StorageBackends.Endpoints(c.join().get("MIROIR_CASSANDRA"),
                c.join().get("MIROIR_CASSANDRA_DC"), Path.of(o.join().get("MIROIR_CEPH_CONF")),
                o.join().get("MIROIR_CEPH_POOL"));
        storage = own.storageConfig("faults");
        // Short OSD timeouts: a store during the OSD fault fails after 3 s instead of 30.
        storage.getJsonObject("objects").put("osd-op-timeout", 3).put("health-timeout", 2);
        node = ArchiveNode.start(tmp.resolve("data"), new JsonObject().put("storage", storage)
                .put("orphanGraceSeconds", 0));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
        if (ceph != null) ceph.stopQuietly();
        if (cassandra != null) cassandra.stopQuietly();
    }

    @Test
    void cassandraStoppedWhileSending() throws Exception {
        // The objects of the stores that failed were written before their metadata failed: orphans for the sweeper.
        faultWhileSending(41, () -> cassandra.run("kill"), () -> cassandra.run("start"), true);
    }

    @Test
    void osdStoppedWhileSending() throws Exception {
        faultWhileSending(42, () -> ceph.run("kill-osd"), () -> ceph.run("start-osd"), false);
    }

    private void faultWhileSending(long seed, Runnable fault, Runnable repair, boolean failuresLeaveOrphans)
            throws Exception {
        SyntheticStudies gen = SyntheticStudies.builder().seed(seed).patients(1).seriesPerStudy(1)
                .instancesPerSeries(SENDERS * PER_SENDER).rows(32).columns(32).build();
        List<Path> files = gen.writeAll(Files.createDirectories(tmp.resolve("sent-" + seed)), UID.ExplicitVRLittleEndian);
        Map<String, Path> sent = new HashMap<>();
        for (int i = 0; i < files.size(); i++) sent.put(gen.instances().get(i).sopInstanceUid(), files.get(i));

        Map<Path, String> results = new HashMap<>();
        List<ManagedProcess> senders = new ArrayList<>();
        try {
            double before = node.metric("miroir_instances_stored_total", "outcome=\"stored\"");
            for (int s = 0; s < SENDERS; s++) {
                List<String> cmd = new ArrayList<>(List.of("storescu", "-v", "-aec", ArchiveNode.AE_TITLE,
                        "127.0.0.1", String.valueOf(node.dicomPort)));
                files.subList(s * PER_SENDER, (s + 1) * PER_SENDER).forEach(f -> cmd.add(f.toString()));
                senders.add(ManagedProcess.start(cmd, Dcmtk.ENV));
            }
            awaitStored(before + BEFORE_FAULT);
            fault.run();
            for (ManagedProcess p : senders) {
                assertThat(p.process().waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("storescu stops at its failure").isTrue();
                results.putAll(Scu.storeResults(p.output()));
            }
        } catch (Exception | Error e) {
            repair.run();
            throw e;
        } finally {
            senders.forEach(ManagedProcess::close);
        }
        List<Path> acknowledged = files.stream().filter(f -> "Success".equals(results.get(f))).toList();
        List<Path> failed = files.stream().filter(f -> results.containsKey(f) && !"Success".equals(results.get(f))).toList();
        System.out.println("fault " + seed + ": " + acknowledged.size() + " acknowledged, failed " + failed.stream()
                .map(f -> f.getFileName() + " " + results.get(f)).toList());
        assertThat(failed).as("C-STOREs that failed: the fault came while storescu was sending").isNotEmpty();
        assertThat(acknowledged.size()).as("acknowledged before the fault").isGreaterThanOrEqualTo(BEFORE_FAULT);
        try {
            assertThat(node.isAlive()).as("node survives the fault\n%s", node.output()).isTrue();
            assertThat(node.get("/health/live").statusCode()).isEqualTo(200);
            awaitReady(503);
        } finally {
            repair.run();
        }
        awaitReady(200);
        // Success, or a warning when a C-STORE that failed had in fact been indexed (its answer lost with Cassandra).
        // A backend just back may still time out a first write on a loaded machine (Cassandra replaying its commit
        // log): the modality's queue sends again, so do we, a bounded number of times.
        Map<Path, String> again = new HashMap<>();
        List<Path> pending = failed;
        for (int round = 1; round <= RESEND_ROUNDS && !pending.isEmpty(); round++) {
            if (round > 1) Thread.sleep(RESEND_PAUSE_MILLIS);
            Map<Path, String> answers = Scu.store(node.dicomPort, pending);
            System.out.println("fault " + seed + ": sent again, round " + round + ": " + answers.values());
            again.putAll(answers);
            pending = pending.stream().filter(f -> !List.of("Success", "Warning").contains(answers.get(f))).toList();
        }
        for (Path f : failed) assertThat(again.get(f)).as("%s after the repair\n%s", f, node.output())
                .isIn("Success", "Warning");

        Path got = Files.createDirectories(tmp.resolve("got-" + seed));
        assertThat(Scu.get(node.dicomPort, Scu.STUDY_ROOT, got, "QueryRetrieveLevel=STUDY",
                "StudyInstanceUID=" + gen.studies().get(0).studyInstanceUid()).ok()).isTrue();
        Map<String, Path> retrieved = Scu.bySopInstanceUid(got);
        Set<String> stored = new HashSet<>();
        for (Path f : acknowledged) stored.add(Scu.read(f).getString(Tag.SOPInstanceUID));
        for (Path f : failed) stored.add(Scu.read(f).getString(Tag.SOPInstanceUID));
        assertThat(retrieved.keySet()).as("every acknowledged instance retrieved").containsAll(stored);
        List<String> problems = new ArrayList<>();
        for (String iuid : retrieved.keySet()) {
            List<String> diffs = Scu.differences(sent.get(iuid), retrieved.get(iuid));
            if (!diffs.isEmpty()) problems.add(iuid + ": " + diffs);
        }
        assertThat(problems).as("retrieved instances that differ from the sent ones").isEmpty();

        var sweep = node.post("/admin/orphan-sweep");
        assertThat(sweep.statusCode()).as(sweep.body()).isEqualTo(200);
        System.out.println("after fault " + seed + ": sweep " + sweep.body());
        long storedAgain = failed.stream().filter(f -> again.get(f).equals("Success")).count();
        assertThat(new JsonObject(sweep.body()).getLong("removed")).as("orphans removed")
                .isGreaterThanOrEqualTo(failuresLeaveOrphans ? storedAgain : 0);
        assertObjectsAreExactlyTheIndexed();
    }

    /** Waits (bounded) until the node has stored {@code n} instances since it started. */
    private static void awaitStored(double n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (node.metric("miroir_instances_stored_total", "outcome=\"stored\"") < n) {
            if (System.nanoTime() > deadline) throw new AssertionError("fewer than " + n + " stored:\n" + node.output());
            Thread.sleep(20);
        }
    }

    /** Waits (bounded) until {@code /health/ready} answers {@code status}. */
    private static void awaitReady(int status) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        int last;
        while ((last = node.get("/health/ready").statusCode()) != status) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("/health/ready still " + last + ", not " + status + "\n" + node.output());
            Thread.sleep(250);
        }
    }

    /** Lists the namespace's objects and the index rows (through the SPI, as the node opens them) and compares. */
    private static void assertObjectsAreExactlyTheIndexed() throws Exception {
        try (Storage direct = Storage.open(storage, tmp.resolve("direct"))) {
            Set<String> objects = new HashSet<>();
            String token = null;
            do {
                ObjectPage page = direct.objects().list(token, 1000);
                page.objects().stream().map(ObjectInfo::key).forEach(objects::add);
                token = page.nextPageToken();
            } while (token != null);
            Set<String> indexed = new HashSet<>();
            Query q = Query.builder().limit(500).build();
            while (true) {
                Page<InstanceRecord> page = direct.metadata().findInstances(q).toCompletableFuture().get(60, TimeUnit.SECONDS);
                for (InstanceRecord r : page.items()) {
                    indexed.add(r.objectKey());
                    var info = direct.objects().stat(r.objectKey());
                    assertThat(info).as("object of %s", r.sopInstanceUid()).isPresent();
                    assertThat(info.get().size()).isEqualTo(r.size());
                    assertThat(info.get().sha256()).as("digest of %s", r.sopInstanceUid()).isEqualTo(r.sha256());
                }
                if (!page.hasMore()) break;
                q = q.nextPage(page.nextPageToken());
            }
            assertThat(objects).as("objects in the namespace after the sweep = objects of index rows").isEqualTo(indexed);
        }
    }
}
