package org.miroir.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.StoreOutcome;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;
import org.miroir.storage.testkit.TestData;

/**
 * Cassandra killed with SIGKILL under the store, on a node of its own (ops/dev/cassandra, batch commit log): stores
 * fail while it is down, health says so, and after a restart every acknowledged write is there and stores succeed
 * again, on the same store object (the driver reconnects).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraRestartTest {
    private Path dir;
    private String contact;

    @BeforeAll
    void startOwnCassandra() {
        dir = TestCassandra.buildDir().resolve("cassandra-restart");
        contact = TestCassandra.run(TestCassandra.script(), "start", dir.toString()).get("MIROIR_CASSANDRA");
    }

    @AfterAll
    void stopOwnCassandra() {
        if (dir != null) TestCassandra.run(TestCassandra.script(), "stop", dir.toString());
    }

    @Test
    void acknowledgedWritesSurviveKillNine() throws Exception {
        StorageConfig config = StorageConfig.of(Map.of("contact-points", contact, "keyspace",
                TestCassandra.keyspace("restart"), "request-timeout-ms", "5000", "journal-settle-ms", "300"));
        TestData d = new TestData();
        try (MetadataStore store = CassandraMetadataStore.open(CassandraSettings.from(config))) {
            List<StoreRequest> acked = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                StoreRequest r = d.request(d.patient("RS-" + i, "Re^Start", null, null), "20240101", "RS" + i);
                for (int k = 0; k < 10; k++) {
                    StoreRequest one = new StoreRequest(r.study(), r.series(), d.instance(r.series(),
                            TestData.CT_IMAGE, k));
                    assertThat(get(store.store(one, DuplicatePolicy.REJECT)).status())
                            .isEqualTo(StoreOutcome.Status.STORED);
                    acked.add(one);
                }
            }

            TestCassandra.run(TestCassandra.script(), "kill", dir.toString());
            assertThat(get(store.health()).up()).isFalse();
            StoreRequest during = d.request(d.patient("RS-DOWN", "Down^Time", null, null), "20240101", "DOWN");
            assertThat(failure(store.store(during, DuplicatePolicy.REJECT))).isInstanceOf(StorageException.class);

            TestCassandra.run(TestCassandra.script(), "start", dir.toString());
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!get(store.health()).up() && System.nanoTime() < deadline) Thread.sleep(250);
            assertThat(get(store.health()).up()).isTrue();

            Query all = Query.builder().where(QueryKey.ISSUER_OF_PATIENT_ID, d.issuer).limit(1000).build();
            Set<String> found = get(store.findInstances(all)).items().stream().map(i -> i.sopInstanceUid())
                    .collect(Collectors.toSet());
            assertThat(found).containsAll(acked.stream().map(r -> r.instance().sopInstanceUid()).toList());
            Set<String> journaled = new java.util.HashSet<>();
            for (int p = 0; p < store.journalPartitions(); p++)
                for (JournalEntry e : get(store.readJournal(p, null, 10_000)))
                    if (e.sopInstanceUid() != null) journaled.add(e.sopInstanceUid());
            assertThat(journaled).containsAll(acked.stream().map(r -> r.instance().sopInstanceUid()).toList());

            // The same store object works again; a write that failed during the outage may be retried.
            assertThat(get(store.store(during, DuplicatePolicy.IGNORE)).status())
                    .isIn(StoreOutcome.Status.STORED, StoreOutcome.Status.IGNORED);
        }
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(2, TimeUnit.MINUTES);
    }

    private static Throwable failure(CompletionStage<?> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the store succeeded with Cassandra down");
    }
}
