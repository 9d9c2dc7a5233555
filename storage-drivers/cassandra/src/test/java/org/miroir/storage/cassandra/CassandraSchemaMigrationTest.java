package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.testkit.SchemaMigrationContract;

/** The schema migration contract on a real Cassandra. */
@ExtendWith(TestCassandra.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraSchemaMigrationTest extends SchemaMigrationContract {
    /** The test's own next migration: a table and a column, as later real migrations add them. */
    private static final Schema.Migration NEXT = new Schema.Migration(Schema.VERSION + 1, "test probe", List.of(
            "CREATE TABLE IF NOT EXISTS %s.migration_probe (id int PRIMARY KEY)",
            "ALTER TABLE %s.study ADD IF NOT EXISTS migration_probe text"));

    private final List<String> keyspaces = new ArrayList<>();

    @Override
    protected int schemaVersion() {
        return Schema.VERSION;
    }

    @Override
    protected String newLocation(String name) {
        String keyspace = TestCassandra.keyspace("migrate_" + name);
        keyspaces.add(keyspace);
        return keyspace;
    }

    private static CassandraSettings settings(String keyspace) {
        return CassandraSettings.from(TestCassandra.current().config(keyspace, Map.of()));
    }

    @Override
    protected void createSchemaAt(String keyspace, int version) {
        CassandraSettings cfg = settings(keyspace);
        try (CqlSession s = Driver.connect(cfg)) {
            Schema.migrate(s, cfg, Schema.MIGRATIONS.stream().filter(m -> m.version() <= version).toList());
        }
    }

    @Override
    protected MetadataStore openWithNextMigration(String keyspace) {
        List<Schema.Migration> all = new ArrayList<>(Schema.MIGRATIONS);
        all.add(NEXT);
        return CassandraMetadataStore.open(settings(keyspace), all);
    }

    @Override
    protected MetadataStore open(String keyspace) {
        return CassandraMetadataStore.open(settings(keyspace));
    }

    @Override
    protected int recordedVersion(String keyspace) {
        try (CqlSession s = TestCassandra.current().session()) {
            return s.execute("SELECT version FROM " + keyspace + ".schema_version WHERE component = 'metadata'").all()
                    .stream().mapToInt(r -> r.getInt(0)).max().orElse(0);
        }
    }

    @Override
    protected boolean nextMigrationApplied(String keyspace) {
        try (CqlSession s = TestCassandra.current().session()) {
            var ks = s.getMetadata().getKeyspace(keyspace).orElseThrow();
            return ks.getTable("migration_probe").isPresent() && ks.getTable("study").orElseThrow()
                    .getColumn(CqlIdentifier.fromCql("migration_probe")).isPresent();
        }
    }

    @AfterAll
    void dropKeyspaces() {
        keyspaces.forEach(TestCassandra.current()::drop);
    }
}
