package org.miroir.server.e2e;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.testing.Dcmtk;
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
 * Step 3 "done when" 3: a node on a Cassandra and a Ceph of this test's own (the run's shared ones stay untouched)
 * loses Cassandra, then the Ceph OSD, while storescu sends. During each fault every C-STORE gets a failure status
 * (never success), the node stays up and {@code /health/ready} answers 503; once the backend is back it is ready
 * again and the same files store with success. Every acknowledged instance is then retrieved by getscu equal to what
 * was sent, and after {@code POST /admin/orphan-sweep} (grace 0) the objects in the RADOS namespace are exactly those
 * the index rows point to: the objects whose metadata never committed are gone.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class StorageFaultTest {
    private static final int PER_PHASE = 4;
    private static final long WAIT_SECONDS = 180;

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
    void cassandraStopped() throws Exception {
        // The objects of the failed stores were written before their metadata failed: orphans for the sweeper.
        faultWhileSending(41, () -> cassandra.run("kill"), () -> cassandra.run("start"), PER_PHASE);
    }

    @Test
    void osdStopped() throws Exception {
        faultWhileSending(42, () -> ceph.run("kill-osd"), () -> ceph.run("start-osd"), 0);
    }

    private void faultWhileSending(long seed, Runnable fault, Runnable repair, int orphans) throws Exception {
        SyntheticStudies gen = SyntheticStudies.builder().seed(seed).patients(1).seriesPerStudy(1)
                .instancesPerSeries(3 * PER_PHASE).rows(64).columns(64).build();
        Path sentDir = Files.createDirectories(tmp.resolve("sent-" + seed));
        List<Path> files = gen.writeAll(sentDir, UID.ExplicitVRLittleEndian);
        Map<String, Path> sent = new HashMap<>();
        for (int i = 0; i < files.size(); i++) sent.put(gen.instances().get(i).sopInstanceUid(), files.get(i));
        List<Path> before = files.subList(0, PER_PHASE), during = files.subList(PER_PHASE, 2 * PER_PHASE),
                after = files.subList(2 * PER_PHASE, files.size());

        assertAll(Scu.store(node.dicomPort, before), before, true);
        fault.run();
        try {
            awaitReady(503);
            assertAll(Scu.store(node.dicomPort, during), during, false);
            assertThat(node.isAlive()).as("node survives the fault\n%s", node.output()).isTrue();
            assertThat(node.get("/health/live").statusCode()).isEqualTo(200);
            assertThat(node.get("/health/ready").statusCode()).as("still not ready").isEqualTo(503);
        } finally {
            repair.run();
        }
        awaitReady(200);
        assertAll(Scu.store(node.dicomPort, during), during, true);
        assertAll(Scu.store(node.dicomPort, after), after, true);

        Path got = Files.createDirectories(tmp.resolve("got-" + seed));
        assertThat(Scu.get(node.dicomPort, Scu.STUDY_ROOT, got, "QueryRetrieveLevel=STUDY",
                "StudyInstanceUID=" + gen.studies().get(0).studyInstanceUid()).ok()).isTrue();
        Map<String, Path> retrieved = Scu.bySopInstanceUid(got);
        assertThat(retrieved.keySet()).as("every acknowledged instance retrieved").isEqualTo(sent.keySet());
        List<String> problems = new ArrayList<>();
        for (String iuid : sent.keySet()) {
            List<String> diffs = Scu.differences(sent.get(iuid), retrieved.get(iuid));
            if (!diffs.isEmpty()) problems.add(iuid + ": " + diffs);
        }
        assertThat(problems).as("retrieved instances that differ from the sent ones").isEmpty();

        var sweep = node.post("/admin/orphan-sweep");
        assertThat(sweep.statusCode()).as(sweep.body()).isEqualTo(200);
        System.out.println("after fault " + seed + ": sweep " + sweep.body());
        assertThat(new JsonObject(sweep.body()).getLong("removed")).as("orphans removed").isGreaterThanOrEqualTo(orphans);
        assertObjectsAreExactlyTheIndexed();
    }

    /** Each file answered: with success when {@code success}, otherwise with a failure (never success or warning). */
    private static void assertAll(Map<Path, String> results, List<Path> files, boolean success) throws IOException {
        for (Path f : files) {
            String word = results.get(f);
            if (success) assertThat(word).as("storescu of %s\n%s", f, node.output()).isEqualTo("Success");
            else assertThat(word).as("storescu of %s during the fault", f).isNotNull().isNotIn("Success", "Warning");
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
