package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.miroir.storage.metadata.ConfigEntry;

/**
 * The {@code config_entry} table: one partition per section, a row per key. Written at the store's write consistency
 * (LOCAL_QUORUM by default) and read at its read consistency, so a change acknowledged by one node is read back by
 * every other. Sections are small (an AE registry of a few hundred entries): one read takes a whole section.
 */
final class ConfigEntries {
    private final CqlSession session;
    private final String keyspace;
    private volatile CompletableFuture<Statements> statements;

    private record Statements(PreparedStatement select, PreparedStatement upsert, PreparedStatement delete) {}

    ConfigEntries(CqlSession session, String keyspace) {
        this.session = session;
        this.keyspace = keyspace;
    }

    /**
     * Prepared (asynchronously) on first use: a store opened at an older schema, as the migration tests do, never has
     * the table. A failed preparation is tried again next time.
     */
    private CompletionStage<Statements> statements() {
        CompletableFuture<Statements> s = statements;
        if (s == null || s.isCompletedExceptionally()) {
            s = session.prepareAsync(SimpleStatement.newInstance("SELECT key, value, updated_at FROM " + keyspace
                            + ".config_entry WHERE section = ?"))
                    // Idempotent: replaying it writes the same cells.
                    .thenCombine(session.prepareAsync(SimpleStatement.newInstance("INSERT INTO " + keyspace
                            + ".config_entry (section, key, value, updated_at) VALUES (?, ?, ?, ?)").setIdempotent(true)),
                            (select, upsert) -> new PreparedStatement[] {select, upsert})
                    // A lightweight transaction tells whether the entry existed; deletes are rare operator actions.
                    .thenCombine(session.prepareAsync("DELETE FROM " + keyspace + ".config_entry WHERE section = ? "
                            + "AND key = ? IF EXISTS"), (su, delete) -> new Statements(su[0], su[1], delete))
                    .toCompletableFuture();
            statements = s;
        }
        return s;
    }

    CompletionStage<List<ConfigEntry>> read(String section) {
        return statements().thenCompose(st -> session.executeAsync(Cql.read(st.select(), section)))
                .thenCompose(rs -> collect(section, rs, new ArrayList<>()));
    }

    private static CompletionStage<List<ConfigEntry>> collect(String section, AsyncResultSet rs, List<ConfigEntry> out) {
        for (Row r : rs.currentPage())
            out.add(new ConfigEntry(section, r.getString(0), r.getString(1), r.getInstant(2)));
        if (!rs.hasMorePages()) return CompletableFuture.completedFuture(out);
        return rs.fetchNextPage().thenCompose(next -> collect(section, next, out));
    }

    CompletionStage<Void> put(ConfigEntry e) {
        return statements().thenCompose(st -> session.executeAsync(st.upsert().bind(e.section(), e.key(), e.value(),
                e.updatedAt()))).thenApply(rs -> null);
    }

    CompletionStage<Boolean> delete(String section, String key) {
        return statements().thenCompose(st -> session.executeAsync(st.delete().bind(section, key)))
                .thenApply(AsyncResultSet::wasApplied);
    }
}
