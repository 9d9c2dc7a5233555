package org.miroir.storage.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.miroir.storage.Health;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.ConfigEntry;
import org.miroir.storage.metadata.Deletion;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.JournalOp;
import org.miroir.storage.metadata.MetadataRecord;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.PatientKey;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StoreOutcome;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryLevel;
import org.miroir.storage.worklist.PerformedStep;
import org.miroir.storage.worklist.PerformedStepChange;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistChange;
import org.miroir.storage.worklist.WorklistItem;
import org.miroir.storage.worklist.WorklistQuery;

/**
 * The index in one SQLite database ({@code <dir>/index.db}, WAL mode): all writes through one group-committing
 * writer thread, reads from a pool of read-only connections. The journal has a single partition whose positions
 * are the journal's AUTOINCREMENT keys; commit order is key order, so readers never see gaps.
 */
public final class SqliteMetadataStore implements MetadataStore {
    private static final int MAX_KEYS = 1000;
    private static final int MAX_JOURNAL_READ = 10_000;
    /** Rows fetched per step while the filter hook thins them out. */
    private static final int FILTER_STEP = 500;
    /** Re-plan with fresh statistics every this many commits. */
    private static final long OPTIMIZE_EVERY = 1000;
    private static final String WORKLIST_TOKEN = "w";

    /**
     * Tuning, from the {@code embedded} driver's configuration.
     *
     * @param writeQueue  writes waiting for the writer before new ones fail fast ({@code write-queue})
     * @param writeBatch  writes committed together at most ({@code write-batch})
     * @param readThreads read connections ({@code read-threads})
     * @param readQueue   reads waiting for a connection before new ones fail fast ({@code read-queue})
     */
    public record Settings(int writeQueue, int writeBatch, int readThreads, int readQueue) {
        public static final Settings DEFAULTS = new Settings(10_000, 1000, 4, 1000);

        public static Settings from(StorageConfig c) {
            return new Settings(c.getInt("write-queue", DEFAULTS.writeQueue, 1, 1_000_000),
                    c.getInt("write-batch", DEFAULTS.writeBatch, 1, 100_000),
                    c.getInt("read-threads", DEFAULTS.readThreads, 1, 256),
                    c.getInt("read-queue", DEFAULTS.readQueue, 1, 1_000_000));
        }
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs, boolean attrs) throws SQLException;
    }

    private final Connection writerConnection;
    private final IndexWrites writes;
    private final WorklistWrites worklistWrites;
    private final JournalWrites journalWrites;
    private final GroupCommitWriter writer;
    private final ReadPool reads;
    private final AtomicLong commits = new AtomicLong();

    private SqliteMetadataStore(Connection writerConnection, Settings s, Path db) throws SQLException {
        this.writerConnection = writerConnection;
        this.journalWrites = new JournalWrites(writerConnection);
        this.writes = new IndexWrites(writerConnection, journalWrites);
        this.worklistWrites = new WorklistWrites(writerConnection, journalWrites);
        this.writer = new GroupCommitWriter(writerConnection, s.writeQueue(), s.writeBatch(), this::afterCommit);
        this.reads = new ReadPool(db, s.readThreads(), s.readQueue());
    }

    /** Opens (creating or migrating it if needed) the index under {@code dir}. */
    public static SqliteMetadataStore open(Path dir, Settings settings) {
        return open(dir, settings, Schema.MIGRATIONS);
    }

    /** Opens the index brought to the last of {@code migrations} (tests give a prefix, or more, of the real list). */
    static SqliteMetadataStore open(Path dir, Settings settings, List<Schema.Migration> migrations) {
        Path db = dir.resolve("index.db");
        Connection c = null;
        try {
            Files.createDirectories(dir);
            c = Sqlite.openWriter(db);
            Schema.apply(c, migrations);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA optimize = 0x10002");
            }
            return new SqliteMetadataStore(c, settings, db);
        } catch (IOException | SQLException e) {
            if (c != null) try {
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StorageException("cannot open the index at " + db + ": " + e.getMessage(), e);
        }
    }

    /** Test hook: the next store of this SOP Instance UID fails after writing its patient, study and series rows. */
    void failStoreOf(String sopInstanceUid) {
        writes.armFailure(sopInstanceUid);
    }

    private void afterCommit() {
        if (commits.incrementAndGet() % OPTIMIZE_EVERY != 0) return;
        try (Statement s = writerConnection.createStatement()) {
            s.execute("PRAGMA optimize");
        } catch (SQLException e) {
            System.getLogger(SqliteMetadataStore.class.getName())
                    .log(System.Logger.Level.WARNING, "PRAGMA optimize failed", e);
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public CompletionStage<StoreOutcome> store(StoreRequest request, DuplicatePolicy policy) {
        if (request == null || policy == null)
            return CompletableFuture.failedFuture(new IllegalArgumentException("request and policy are required"));
        return writer.submit(c -> writes.store(request, policy));
    }

    @Override
    public CompletionStage<Deletion> deleteStudy(String studyInstanceUid) {
        return writer.submit(c -> writes.deleteStudy(studyInstanceUid));
    }

    @Override
    public CompletionStage<Deletion> deleteSeries(String studyInstanceUid, String seriesInstanceUid) {
        return writer.submit(c -> writes.deleteSeries(studyInstanceUid, seriesInstanceUid));
    }

    @Override
    public CompletionStage<Deletion> deleteInstance(String studyInstanceUid, String seriesInstanceUid,
            String sopInstanceUid) {
        return writer.submit(c -> writes.deleteInstance(studyInstanceUid, seriesInstanceUid, sopInstanceUid));
    }

    // ---------------------------------------------------------------- patients

    @Override
    public CompletionStage<String> updatePatient(PatientRecord patient) {
        if (patient == null) return CompletableFuture.failedFuture(new IllegalArgumentException("patient is required"));
        return writer.submit(c -> writes.updatePatient(patient));
    }

    @Override
    public CompletionStage<String> mergePatients(PatientKey prior, PatientRecord surviving) {
        if (prior == null || surviving == null)
            return CompletableFuture.failedFuture(new IllegalArgumentException("both patients are required"));
        return writer.submit(c -> writes.mergePatients(prior, surviving));
    }

    @Override
    public CompletionStage<Optional<PatientRecord>> patient(PatientKey key) {
        String sql = "SELECT " + Rows.PATIENT + ", p.attrs AS p_attrs FROM patient p WHERE p.patient_id = ? AND "
                + "p.issuer = ? AND p.merged_into IS NULL AND (p.registered = 1 OR EXISTS (SELECT 1 FROM study "
                + "WHERE patient_fk = p.pk))";
        return reads.submit(r -> {
            PreparedStatement ps = r.prepare(sql);
            IndexWrites.bind(ps, orEmpty(key.patientId()), orEmpty(key.issuerOfPatientId()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Rows.patient(rs, true)) : Optional.empty();
            }
        });
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    // ---------------------------------------------------------------- worklist

    @Override
    public CompletionStage<WorklistChange> scheduleWorklistItem(WorklistItem item, boolean create) {
        if (item == null) return CompletableFuture.failedFuture(new IllegalArgumentException("item is required"));
        return writer.submit(c -> worklistWrites.schedule(item, create));
    }

    @Override
    public CompletionStage<WorklistChange> endWorklistItem(String itemId, StepStatus status) {
        return writer.submit(c -> worklistWrites.end(itemId, status));
    }

    @Override
    public CompletionStage<Optional<WorklistItem>> worklistItem(String itemId) {
        return reads.submit(r -> {
            PreparedStatement ps = r.prepare("SELECT " + Rows.WORKLIST_ITEM + " FROM worklist_item w "
                    + "WHERE w.item_id = ?");
            IndexWrites.bind(ps, itemId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Rows.worklistItem(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public CompletionStage<Page<WorklistItem>> findWorklist(WorklistQuery query) {
        long after;
        try {
            after = decodeToken(WORKLIST_TOKEN, query.pageToken());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return reads.submit(r -> {
            List<WorklistItem> items = new ArrayList<>();
            long lastPk = 0;
            boolean more = false;
            try (ResultSet rs = execute(r, WorklistSql.select(query, after, query.limit() + 1))) {
                while (rs.next()) {
                    if (items.size() == query.limit()) {
                        more = true;
                        break;
                    }
                    items.add(Rows.worklistItem(rs));
                    lastPk = rs.getLong("row_pk");
                }
            }
            return new Page<>(items, more ? WORKLIST_TOKEN + ":" + lastPk : null);
        });
    }

    @Override
    public CompletionStage<PerformedStepChange> createPerformedStep(PerformedStep step) {
        if (step == null) return CompletableFuture.failedFuture(new IllegalArgumentException("step is required"));
        return writer.submit(c -> worklistWrites.createStep(step));
    }

    @Override
    public CompletionStage<PerformedStepChange> updatePerformedStep(PerformedStep step) {
        if (step == null) return CompletableFuture.failedFuture(new IllegalArgumentException("step is required"));
        return writer.submit(c -> worklistWrites.updateStep(step));
    }

    @Override
    public CompletionStage<Optional<PerformedStep>> performedStep(String sopInstanceUid) {
        return reads.submit(r -> {
            PreparedStatement ps = r.prepare("SELECT sop_uid, status, item_ids, attrs FROM performed_step "
                    + "WHERE sop_uid = ?");
            IndexWrites.bind(ps, sopInstanceUid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Rows.performedStep(rs)) : Optional.empty();
            }
        });
    }

    // ---------------------------------------------------------------- queries

    @Override
    public CompletionStage<Page<PatientRecord>> findPatients(Query query) {
        return find(QueryLevel.PATIENT, query, Rows::patient);
    }

    @Override
    public CompletionStage<Page<StudyRecord>> findStudies(Query query) {
        return find(QueryLevel.STUDY, query, Rows::study);
    }

    @Override
    public CompletionStage<Page<SeriesRecord>> findSeries(Query query) {
        return find(QueryLevel.SERIES, query, Rows::series);
    }

    @Override
    public CompletionStage<Page<InstanceRecord>> findInstances(Query query) {
        return find(QueryLevel.INSTANCE, query, Rows::instance);
    }

    private <T extends MetadataRecord> CompletionStage<Page<T>> find(QueryLevel level, Query q, RowMapper<T> rows) {
        long after;
        try {
            q.requireLevel(level);
            after = decodeToken(level, q.pageToken());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        int offset = q.pageToken() == null ? q.offset() : 0;
        return reads.submit(r -> q.filter() == null ? page(r, level, q, after, offset, rows)
                : filteredPage(r, level, q, after, offset, rows));
    }

    private <T> Page<T> page(ReadPool.Reader r, QueryLevel level, Query q, long after, int offset, RowMapper<T> rows)
            throws SQLException {
        QuerySql.Sql sql = QuerySql.select(level, q, q.includeAttributes(), after, offset, q.limit() + 1);
        List<T> items = new ArrayList<>();
        long lastPk = 0;
        boolean more = false;
        try (ResultSet rs = execute(r, sql)) {
            while (rs.next()) {
                if (items.size() == q.limit()) {
                    more = true;
                    break;
                }
                items.add(rows.map(rs, q.includeAttributes()));
                lastPk = rs.getLong("row_pk");
            }
        }
        return new Page<>(items, more ? encodeToken(level, lastPk) : null);
    }

    /** Scans in steps, applying the filter hook before offset and limit. */
    private <T extends MetadataRecord> Page<T> filteredPage(ReadPool.Reader r, QueryLevel level, Query q, long after,
            int offset, RowMapper<T> rows) throws SQLException {
        List<T> items = new ArrayList<>();
        long cursor = after, lastPk = 0;
        int skip = offset;
        while (true) {
            QuerySql.Sql sql = QuerySql.select(level, q, true, cursor, 0, FILTER_STEP);
            int n = 0;
            try (ResultSet rs = execute(r, sql)) {
                while (rs.next()) {
                    n++;
                    cursor = rs.getLong("row_pk");
                    if (!q.filter().test(rows.map(rs, true))) continue;
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    if (items.size() == q.limit()) return new Page<>(items, encodeToken(level, lastPk));
                    items.add(rows.map(rs, q.includeAttributes()));
                    lastPk = cursor;
                }
            }
            if (n < FILTER_STEP) return new Page<>(items, null);
        }
    }

    private static ResultSet execute(ReadPool.Reader r, QuerySql.Sql sql) throws SQLException {
        PreparedStatement ps = r.prepare(sql.text());
        IndexWrites.bind(ps, sql.params().toArray());
        return ps.executeQuery();
    }

    private static String encodeToken(QueryLevel level, long pk) {
        return QuerySql.alias(level) + ":" + pk;
    }

    private static long decodeToken(QueryLevel level, String token) {
        return decodeToken(QuerySql.alias(level), token);
    }

    /** Page tokens are the last row key after the table's alias: {@code st:123}. */
    private static long decodeToken(String alias, String token) {
        if (token == null) return 0;
        String prefix = alias + ":";
        try {
            if (token.startsWith(prefix)) {
                long pk = Long.parseLong(token.substring(prefix.length()));
                if (pk >= 0) return pk;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("invalid page token for a query of " + alias + ": " + token);
    }

    @Override
    public CompletionStage<List<InstanceRecord>> instancesOf(String studyInstanceUid, String seriesInstanceUid) {
        String sql = "SELECT " + Rows.INSTANCE + " FROM instance i JOIN series se ON se.pk = i.series_fk "
                + "JOIN study st ON st.pk = se.study_fk WHERE st.study_uid = ?"
                + (seriesInstanceUid == null ? "" : " AND se.series_uid = ?") + " ORDER BY i.pk";
        return reads.submit(r -> {
            PreparedStatement ps = r.prepare(sql);
            if (seriesInstanceUid == null) IndexWrites.bind(ps, studyInstanceUid);
            else IndexWrites.bind(ps, studyInstanceUid, seriesInstanceUid);
            List<InstanceRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(Rows.instance(rs, false));
            }
            return out;
        });
    }

    @Override
    public CompletionStage<Set<String>> referencedObjectKeys(Collection<String> objectKeys) {
        if (objectKeys.size() > MAX_KEYS)
            return CompletableFuture.failedFuture(new IllegalArgumentException("at most " + MAX_KEYS + " keys"));
        if (objectKeys.isEmpty()) return CompletableFuture.completedFuture(Set.of());
        String sql = "SELECT object_key FROM instance WHERE object_key IN ("
                + String.join(", ", Collections.nCopies(objectKeys.size(), "?")) + ")";
        return reads.submit(r -> {
            PreparedStatement ps = r.prepare(sql);
            IndexWrites.bind(ps, objectKeys.toArray());
            Set<String> out = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- journal

    @Override
    public int journalPartitions() {
        return 1;
    }

    /** Entries are read inside the one writer's committed order: nothing is held back. */
    @Override
    public Duration journalHoldBack() {
        return Duration.ZERO;
    }

    @Override
    public CompletionStage<List<JournalEntry>> readJournal(int partition, String afterPosition, int limit) {
        long after;
        try {
            checkPartition(partition);
            if (limit < 1 || limit > MAX_JOURNAL_READ)
                throw new IllegalArgumentException("limit must be in 1.." + MAX_JOURNAL_READ);
            after = afterPosition == null ? 0 : position(afterPosition);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return reads.submit(r -> {
            PreparedStatement ps = r.prepare("SELECT seq, recorded_at, op, study_uid, series_uid, sop_uid, "
                    + "object_key, size, sha256, patient_id, issuer, prior_patient_id, prior_issuer, item_id "
                    + "FROM journal WHERE seq > ? ORDER BY seq LIMIT ?");
            IndexWrites.bind(ps, after, limit);
            List<JournalEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long size = rs.getLong(8);
                    boolean noSize = rs.wasNull();
                    JournalOp op = JournalOp.valueOf(rs.getString(3));
                    boolean ofPatient = op == JournalOp.PATIENT_UPDATE || op == JournalOp.PATIENT_MERGE;
                    out.add(new JournalEntry(0, Long.toString(rs.getLong(1)), Instant.ofEpochMilli(rs.getLong(2)),
                            op, rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            noSize ? -1 : size, rs.getString(9),
                            ofPatient ? new PatientKey(rs.getString(10), rs.getString(11)) : null,
                            op == JournalOp.PATIENT_MERGE ? new PatientKey(rs.getString(12), rs.getString(13)) : null,
                            rs.getString(14)));
                }
            }
            return out;
        });
    }

    @Override
    public CompletionStage<Void> trimJournal(int partition, String throughPosition) {
        long through;
        try {
            checkPartition(partition);
            through = position(throughPosition);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return writer.submit(c -> {
            journalWrites.trim(through);
            return null;
        });
    }

    private static void checkPartition(int partition) {
        if (partition != 0) throw new IllegalArgumentException("the embedded journal has only partition 0");
    }

    private static long position(String p) {
        try {
            long v = Long.parseLong(p);
            if (v >= 0) return v;
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw new IllegalArgumentException("invalid journal position: " + p);
    }

    // ---------------------------------------------------------------- cluster-wide configuration

    @Override
    public CompletionStage<List<ConfigEntry>> configEntries(String section) {
        try {
            ConfigEntry.checkSection(section);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return reads.submit(r -> ConfigEntries.read(r, section));
    }

    @Override
    public CompletionStage<Void> putConfigEntry(ConfigEntry entry) {
        if (entry == null) return CompletableFuture.failedFuture(new IllegalArgumentException("entry is required"));
        return writer.submit(c -> ConfigEntries.put(c, entry));
    }

    @Override
    public CompletionStage<Boolean> deleteConfigEntry(String section, String key) {
        try {
            ConfigEntry.checkSection(section);
            ConfigEntry.checkKey(key);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return writer.submit(c -> ConfigEntries.delete(c, section, key));
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public CompletionStage<Health> health() {
        if (!writer.isRunning()) return CompletableFuture.completedFuture(Health.down("index writer stopped"));
        return reads.submit(r -> {
            try (Statement s = r.connection.createStatement(); ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
                rs.next();
                return Health.up("SQLite " + rs.getString(1));
            }
        }).exceptionally(e -> Health.down("index unreadable: " + e.getMessage()));
    }

    @Override
    public void close() {
        writer.close();
        reads.close();
        try (Statement s = writerConnection.createStatement()) {
            s.execute("PRAGMA optimize");
        } catch (SQLException ignored) {
            // statistics are an optimisation
        }
        try {
            writerConnection.close();
        } catch (SQLException e) {
            throw new StorageException("closing the index failed", e);
        }
    }
}
