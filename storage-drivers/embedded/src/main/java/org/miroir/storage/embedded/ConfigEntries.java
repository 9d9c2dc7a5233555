package org.miroir.storage.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.miroir.storage.metadata.ConfigEntry;

/** The {@code config_entry} table: the cluster-wide configuration of a one-machine archive. */
final class ConfigEntries {
    private ConfigEntries() {}

    static List<ConfigEntry> read(ReadPool.Reader r, String section) throws SQLException {
        PreparedStatement ps = r.prepare("SELECT key, value, updated_at FROM config_entry WHERE section = ? ORDER BY key");
        IndexWrites.bind(ps, section);
        List<ConfigEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next())
                out.add(new ConfigEntry(section, rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
        }
        return out;
    }

    static Void put(Connection c, ConfigEntry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO config_entry (section, key, value, updated_at) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (section, key) DO UPDATE SET value = excluded.value, "
                + "updated_at = excluded.updated_at")) {
            IndexWrites.bind(ps, e.section(), e.key(), e.value(), e.updatedAt().toEpochMilli());
            ps.executeUpdate();
        }
        return null;
    }

    static boolean delete(Connection c, String section, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM config_entry WHERE section = ? AND key = ?")) {
            IndexWrites.bind(ps, section, key);
            return ps.executeUpdate() > 0;
        }
    }
}
