package org.miroir.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.metadata.MetadataStore;

/** Several nodes opening one new keyspace at once: one migrates, all work, the journal layout is fixed once. */
@ExtendWith(TestCassandra.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaTest {
    private final String keyspace = TestCassandra.keyspace("schema");

    @Test
    void concurrentStartsMigrateOnceAndAgree() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<MetadataStore> stores = new ArrayList<>();
        try {
            List<Future<MetadataStore>> opening = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String partitions = Integer.toString(8 + i);
                opening.add(pool.submit(() -> StorageDrivers.provider("cassandra").openMetadataStore(
                        TestCassandra.current().config(keyspace, Map.of("journal-partitions", partitions)))));
            }
            for (Future<MetadataStore> f : opening) stores.add(f.get(5, TimeUnit.MINUTES));
            int partitions = stores.get(0).journalPartitions();
            assertThat(partitions).isBetween(8, 10);
            for (MetadataStore s : stores) {
                assertThat(s.journalPartitions()).isEqualTo(partitions);
                assertThat(s.health().toCompletableFuture().get(1, TimeUnit.MINUTES).up()).isTrue();
            }
            // Reopening finds the schema in place and keeps the journal layout, whatever the setting says now.
            try (MetadataStore again = StorageDrivers.provider("cassandra").openMetadataStore(
                    TestCassandra.current().config(keyspace, Map.of("journal-partitions", "64")))) {
                assertThat(again.journalPartitions()).isEqualTo(partitions);
            }
            try (CqlSession s = TestCassandra.current().session()) {
                List<Row> versions = s.execute("SELECT version FROM " + keyspace + ".schema_version").all();
                // Every migration is recorded once, however many nodes raced to apply it.
                assertThat(versions).extracting(r -> r.getInt(0)).containsExactlyInAnyOrderElementsOf(
                        java.util.stream.IntStream.rangeClosed(1, Schema.VERSION).boxed().toList());
                assertThat(s.getMetadata().getKeyspace(keyspace).orElseThrow().getTables()).containsKeys(
                        com.datastax.oss.driver.api.core.CqlIdentifier.fromCql("instance_claim"),
                        com.datastax.oss.driver.api.core.CqlIdentifier.fromCql("journal"));
            }
        } finally {
            stores.forEach(MetadataStore::close);
            pool.shutdownNow();
        }
    }

    /** A keyspace of version 1 (step 3) migrates to the current version, keeps its journal, indexes its names. */
    @Test
    void migratesAVersion1Keyspace() throws Exception {
        String old = TestCassandra.keyspace("schema_v1");
        try {
            CassandraSettings cfg = CassandraSettings.from(TestCassandra.current().config(old, Map.of()));
            try (CqlSession s = Driver.connect(cfg)) {
                int partitions = Schema.migrate(s, cfg, Schema.MIGRATIONS.subList(0, 1));
                s.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance("INSERT INTO " + old
                        + ".journal (partition, position, recorded_at, op, study_uid) VALUES (?, now(), "
                        + "toTimestamp(now()), 'DELETE_STUDY', '1.2.3')", partitions - 1));
                s.execute("INSERT INTO " + old + ".patient (issuer, patient_id, iss, pid, name, name_folded) "
                        + "VALUES ('', 'V1P', '', 'V1P', 'Before^Four', 'BEFORE^FOUR')");
            }
            try (MetadataStore store = StorageDrivers.provider("cassandra")
                    .openMetadataStore(TestCassandra.current().config(old, Map.of("journal-settle-ms", "0")))) {
                var entries = store.readJournal(store.journalPartitions() - 1, null, 10).toCompletableFuture()
                        .get(1, TimeUnit.MINUTES);
                assertThat(entries).extracting(e -> e.studyInstanceUid()).containsExactly("1.2.3");
                var p = new org.miroir.storage.testkit.TestData().patient("V1", "Old^Keyspace", null, null);
                store.updatePatient(p).toCompletableFuture().get(1, TimeUnit.MINUTES);
                assertThat(store.patient(org.miroir.storage.metadata.PatientKey.of(p)).toCompletableFuture()
                        .get(1, TimeUnit.MINUTES)).contains(p);
            }
            try (CqlSession s = TestCassandra.current().session()) {
                assertThat(s.execute("SELECT version FROM " + old + ".schema_version").all())
                        .extracting(r -> r.getInt(0)).contains(1, Schema.VERSION);
                assertThat(s.execute("SELECT patient_id FROM " + old + ".patient_by_name WHERE prefix = 'BEF' AND "
                        + "name_folded = 'BEFORE^FOUR'").all()).as("migration 4 indexed a version 1 patient's name")
                        .extracting(r -> r.getString(0)).containsExactly("V1P");
            }
        } finally {
            TestCassandra.current().drop(old);
        }
    }

    @AfterAll
    void dropKeyspace() {
        TestCassandra.current().drop(keyspace);
    }
}
