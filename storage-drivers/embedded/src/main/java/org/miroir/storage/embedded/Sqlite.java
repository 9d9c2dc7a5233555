package org.miroir.storage.embedded;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Opens connections to the index with the settings each role needs. */
final class Sqlite {
    private Sqlite() {}

    /**
     * WAL lets readers run beside the single writer. synchronous=FULL fsyncs the WAL at every commit: a C-STORE is
     * acknowledged only once its metadata is durable, also across power loss (NORMAL would survive a process crash
     * but could lose the last commits on power loss). Group commit pays for the fsync.
     */
    static Connection openWriter(Path db) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = FULL");
            s.execute("PRAGMA cache_size = -65536");
            s.execute("PRAGMA temp_store = MEMORY");
            s.execute("PRAGMA foreign_keys = OFF");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    static Connection openReader(Path db) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("PRAGMA cache_size = -32768");
            s.execute("PRAGMA mmap_size = 268435456");
            s.execute("PRAGMA temp_store = MEMORY");
            s.execute("PRAGMA query_only = 1");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
