package org.miroir.storage.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.testkit.SchemaMigrationContract;

/** The SQLite index migrates from every earlier version (PRAGMA user_version) and keeps its rows. */
class EmbeddedSchemaMigrationTest extends SchemaMigrationContract {
    /** The test's own next migration: a table and a column, as later real migrations add them. */
    private static final Schema.Migration NEXT = new Schema.Migration(Schema.VERSION + 1, "test probe", List.of(
            "CREATE TABLE migration_probe (id INTEGER PRIMARY KEY)",
            "ALTER TABLE study ADD COLUMN migration_probe TEXT"));

    @TempDir
    Path tmp;

    @Override
    protected int schemaVersion() {
        return Schema.VERSION;
    }

    @Override
    protected String newLocation(String name) throws Exception {
        return Files.createDirectories(tmp.resolve(name)).toString();
    }

    @Override
    protected void createSchemaAt(String location, int version) throws SQLException {
        try (Connection c = Sqlite.openWriter(Path.of(location, "index.db"))) {
            Schema.apply(c, Schema.MIGRATIONS.stream().filter(m -> m.version() <= version).toList());
        }
    }

    @Override
    protected MetadataStore openWithNextMigration(String location) {
        List<Schema.Migration> all = new ArrayList<>(Schema.MIGRATIONS);
        all.add(NEXT);
        return SqliteMetadataStore.open(Path.of(location), SqliteMetadataStore.Settings.DEFAULTS, all);
    }

    @Override
    protected MetadataStore open(String location) {
        return SqliteMetadataStore.open(Path.of(location), SqliteMetadataStore.Settings.DEFAULTS);
    }

    @Override
    protected int recordedVersion(String location) throws SQLException {
        try (Connection c = Sqlite.openReader(Path.of(location, "index.db")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    @Override
    protected boolean nextMigrationApplied(String location) throws SQLException {
        try (Connection c = Sqlite.openReader(Path.of(location, "index.db")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pragma_table_info('study') WHERE name = 'migration_probe'"
                     + " UNION ALL SELECT count(*) FROM sqlite_schema WHERE name = 'migration_probe'")) {
            return rs.next() && rs.getInt(1) == 1 && rs.next() && rs.getInt(1) == 1;
        }
    }
}
