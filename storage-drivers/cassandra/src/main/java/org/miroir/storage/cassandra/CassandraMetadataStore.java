package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.miroir.storage.Health;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.ConfigEntry;
import org.miroir.storage.metadata.Deletion;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.PatientKey;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StoreOutcome;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;
import org.miroir.storage.worklist.PerformedStep;
import org.miroir.storage.worklist.PerformedStepChange;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistChange;
import org.miroir.storage.worklist.WorklistItem;
import org.miroir.storage.worklist.WorklistQuery;

/**
 * The index in Cassandra. Every operation runs asynchronously on the driver ({@code executeAsync}, never blocking its
 * threads) and holds one of {@code max-in-flight} permits while it runs: a saturated store fails fast with a
 * {@link StorageException} instead of queueing. The schema is created or migrated when the store opens.
 */
public final class CassandraMetadataStore implements MetadataStore {
    private static final int MAX_KEYS = 1000;
    private static final int MAX_JOURNAL_READ = 10_000;

    private final CqlSession session;
    private final CassandraSettings cfg;
    private final Cql cql;
    private final Journal journal;
    private final StorePath storePath;
    private final Deletes deletes;
    private final Finder finder;
    private final ConfigEntries configEntries;
    private final Patients patients;
    private final Worklist worklist;
    private final Semaphore permits;
    private volatile boolean closed;

    private CassandraMetadataStore(CqlSession session, CassandraSettings cfg, int partitions) {
        this.session = session;
        this.cfg = cfg;
        this.cql = new Cql(session, cfg.keyspace());
        this.journal = new Journal(session, cql, partitions, cfg.journalSettle());
        Claims claims = new Claims(session, cql, cfg);
        this.patients = new Patients(session, cql, journal, cfg);
        this.worklist = new Worklist(session, cql, journal, cfg);
        this.storePath = new StorePath(session, cql, claims, journal, patients, cfg);
        this.deletes = new Deletes(session, cql, claims, journal, cfg);
        this.finder = new Finder(session, cql, cfg);
        this.configEntries = new ConfigEntries(session, cfg.keyspace());
        this.permits = new Semaphore(cfg.maxInFlight());
    }

    /** Connects, creates or migrates the schema, prepares the statements. */
    static CassandraMetadataStore open(CassandraSettings cfg) {
        return open(cfg, Schema.MIGRATIONS);
    }

    /** As {@link #open(CassandraSettings)}, the keyspace brought to the last of {@code migrations} (for tests). */
    static CassandraMetadataStore open(CassandraSettings cfg, List<Schema.Migration> migrations) {
        CqlSession session;
        try {
            session = Driver.connect(cfg);
        } catch (RuntimeException e) {
            throw new StorageException("cannot connect to Cassandra at " + cfg.contactPoints() + ": " + e.getMessage(),
                    e);
        }
        try {
            int partitions = Schema.migrate(session, cfg, migrations);
            return new CassandraMetadataStore(session, cfg, partitions);
        } catch (RuntimeException e) {
            session.close();
            throw e instanceof StorageException || e instanceof IllegalArgumentException ? e
                    : new StorageException("cannot open keyspace " + cfg.keyspace() + ": " + e.getMessage(), e);
        }
    }

    /** Test hook: the next store of this SOP Instance UID fails after its claim, before its batch. */
    void failStoreOf(String sopInstanceUid) {
        storePath.armFailure(sopInstanceUid);
    }

    /** Runs {@code op} holding a permit; invalid requests and saturation fail the stage, never throw. */
    private <T> CompletionStage<T> op(String what, Supplier<CompletionStage<T>> op) {
        if (closed) return CompletableFuture.failedFuture(new StorageException("the Cassandra store is closed"));
        if (!permits.tryAcquire())
            return CompletableFuture.failedFuture(new StorageException("Cassandra store saturated: "
                    + cfg.maxInFlight() + " operations in flight"));
        CompletionStage<T> stage;
        try {
            stage = op.get();
        } catch (RuntimeException e) {
            permits.release();
            return CompletableFuture.failedFuture(Async.translate(e, what));
        }
        CompletableFuture<T> out = Async.translated(stage, what);
        out.whenComplete((v, e) -> permits.release());
        return out;
    }

    @Override
    public CompletionStage<StoreOutcome> store(StoreRequest request, DuplicatePolicy policy) {
        if (request == null || policy == null)
            return CompletableFuture.failedFuture(new IllegalArgumentException("request and policy are required"));
        return op("store", () -> storePath.store(request, policy));
    }

    @Override
    public CompletionStage<String> updatePatient(PatientRecord patient) {
        return op("patient update", () -> patients.update(require(patient, "patient")));
    }

    @Override
    public CompletionStage<String> mergePatients(PatientKey prior, PatientRecord surviving) {
        return op("patient merge", () -> patients.merge(require(prior, "prior patient"),
                require(surviving, "surviving patient")));
    }

    @Override
    public CompletionStage<Optional<PatientRecord>> patient(PatientKey key) {
        return op("patient read", () -> patients.read(require(key, "patient")));
    }

    @Override
    public CompletionStage<WorklistChange> scheduleWorklistItem(WorklistItem item, boolean create) {
        return op("worklist write", () -> worklist.schedule(require(item, "item"), create));
    }

    @Override
    public CompletionStage<WorklistChange> endWorklistItem(String itemId, StepStatus status) {
        return op("worklist write", () -> worklist.end(require(itemId, "item id"), require(status, "status")));
    }

    @Override
    public CompletionStage<Optional<WorklistItem>> worklistItem(String itemId) {
        return op("worklist read", () -> worklist.item(require(itemId, "item id")));
    }

    @Override
    public CompletionStage<Page<WorklistItem>> findWorklist(WorklistQuery query) {
        return op("worklist query", () -> worklist.find(require(query, "query")));
    }

    @Override
    public CompletionStage<PerformedStepChange> createPerformedStep(PerformedStep step) {
        return op("performed step write", () -> worklist.createStep(require(step, "step")));
    }

    @Override
    public CompletionStage<PerformedStepChange> updatePerformedStep(PerformedStep step) {
        return op("performed step write", () -> worklist.updateStep(require(step, "step")));
    }

    @Override
    public CompletionStage<Optional<PerformedStep>> performedStep(String sopInstanceUid) {
        return op("performed step read", () -> worklist.step(require(sopInstanceUid, "SOP Instance UID")));
    }

    @Override
    public CompletionStage<Page<PatientRecord>> findPatients(Query query) {
        return op("patient query", () -> finder.patients(query));
    }

    @Override
    public CompletionStage<Page<StudyRecord>> findStudies(Query query) {
        return op("study query", () -> finder.studies(query));
    }

    @Override
    public CompletionStage<Page<SeriesRecord>> findSeries(Query query) {
        return op("series query", () -> finder.series(query));
    }

    @Override
    public CompletionStage<Page<InstanceRecord>> findInstances(Query query) {
        return op("instance query", () -> finder.instances(query));
    }

    @Override
    public CompletionStage<List<InstanceRecord>> instancesOf(String studyInstanceUid, String seriesInstanceUid) {
        return op("instance list", () -> {
            if (studyInstanceUid == null) throw new IllegalArgumentException("Study Instance UID is required");
            Query.Builder b = Query.builder().where(org.miroir.storage.query.QueryKey.STUDY_INSTANCE_UID,
                    studyInstanceUid).limit(Query.MAX_LIMIT);
            if (seriesInstanceUid != null)
                b.where(org.miroir.storage.query.QueryKey.SERIES_INSTANCE_UID, seriesInstanceUid);
            return allPages(b.build(), new java.util.ArrayList<>());
        });
    }

    private CompletionStage<List<InstanceRecord>> allPages(Query q, List<InstanceRecord> out) {
        return Async.loop(q, p -> p == null, p -> finder.instances(p).thenApply(page -> {
            out.addAll(page.items());
            return page.hasMore() ? q.nextPage(page.nextPageToken()) : null;
        })).thenApply(x -> out);
    }

    @Override
    public CompletionStage<Deletion> deleteStudy(String studyInstanceUid) {
        return op("study delete", () -> deletes.study(require(studyInstanceUid, "Study Instance UID")));
    }

    @Override
    public CompletionStage<Deletion> deleteSeries(String studyInstanceUid, String seriesInstanceUid) {
        return op("series delete", () -> deletes.series(require(studyInstanceUid, "Study Instance UID"),
                require(seriesInstanceUid, "Series Instance UID")));
    }

    @Override
    public CompletionStage<Deletion> deleteInstance(String studyInstanceUid, String seriesInstanceUid,
            String sopInstanceUid) {
        return op("instance delete", () -> deletes.instance(require(studyInstanceUid, "Study Instance UID"),
                require(seriesInstanceUid, "Series Instance UID"), require(sopInstanceUid, "SOP Instance UID")));
    }

    @Override
    public CompletionStage<Set<String>> referencedObjectKeys(Collection<String> objectKeys) {
        return op("object key check", () -> {
            if (objectKeys.size() > MAX_KEYS) throw new IllegalArgumentException("at most " + MAX_KEYS + " keys");
            List<String> keys = List.copyOf(objectKeys);
            return Async.map(keys, 32, k -> session.executeAsync(Cql.read(cql.objectRef, k))
                    .thenApply(rs -> rs.one() != null ? k : null))
                    .thenApply(found -> found.stream().filter(k -> k != null).collect(
                            java.util.stream.Collectors.toUnmodifiableSet()));
        });
    }

    @Override
    public int journalPartitions() {
        return journal.partitions();
    }

    @Override
    public Duration journalHoldBack() {
        return cfg.journalSettle();
    }

    @Override
    public CompletionStage<List<JournalEntry>> readJournal(int partition, String afterPosition, int limit) {
        return op("journal read", () -> {
            checkPartition(partition);
            if (limit < 1 || limit > MAX_JOURNAL_READ)
                throw new IllegalArgumentException("limit must be in 1.." + MAX_JOURNAL_READ);
            return journal.read(partition, afterPosition == null ? null : TimeUuids.parse(afterPosition), limit);
        });
    }

    @Override
    public CompletionStage<Void> trimJournal(int partition, String throughPosition) {
        return op("journal trim", () -> {
            checkPartition(partition);
            return journal.trim(partition, TimeUuids.parse(throughPosition));
        });
    }

    private void checkPartition(int partition) {
        if (partition < 0 || partition >= journal.partitions())
            throw new IllegalArgumentException("journal partition must be in 0.." + (journal.partitions() - 1));
    }

    @Override
    public CompletionStage<List<ConfigEntry>> configEntries(String section) {
        return op("configuration read", () -> {
            ConfigEntry.checkSection(section);
            return configEntries.read(section);
        });
    }

    @Override
    public CompletionStage<Void> putConfigEntry(ConfigEntry entry) {
        return op("configuration write", () -> {
            if (entry == null) throw new IllegalArgumentException("entry is required");
            return configEntries.put(entry);
        });
    }

    @Override
    public CompletionStage<Boolean> deleteConfigEntry(String section, String key) {
        return op("configuration delete", () -> {
            ConfigEntry.checkSection(section);
            ConfigEntry.checkKey(key);
            return configEntries.delete(section, key);
        });
    }

    /** A quorum read of the schema version with a short timeout: reachable, and enough replicas to write. */
    @Override
    public CompletionStage<Health> health() {
        if (closed) return CompletableFuture.completedFuture(Health.down("closed"));
        Duration timeout = cfg.requestTimeout().compareTo(Duration.ofSeconds(2)) < 0 ? cfg.requestTimeout()
                : Duration.ofSeconds(2);
        CompletableFuture<Health> out = new CompletableFuture<>();
        try {
            session.executeAsync(cql.health.bind().setConsistencyLevel(cfg.writeConsistency()).setTimeout(timeout)
                    .setIdempotent(true)).whenComplete((rs, e) -> out.complete(e == null
                            ? Health.up("Cassandra keyspace " + cfg.keyspace() + " at " + cfg.writeConsistency())
                            : Health.down("Cassandra: " + Async.unwrap(e).getMessage())));
        } catch (RuntimeException e) {
            out.complete(Health.down("Cassandra: " + e.getMessage()));
        }
        return out;
    }

    /** Waits (bounded) for operations in flight, then closes the session. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            long waitMs = cfg.requestTimeout().multipliedBy(4).toMillis();
            if (permits.tryAcquire(cfg.maxInFlight(), waitMs, TimeUnit.MILLISECONDS))
                permits.release(cfg.maxInFlight());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            session.close();
        }
    }

    private static String require(String v, String what) {
        if (v == null || v.isBlank()) throw new IllegalArgumentException(what + " is required");
        return v;
    }

    private static <T> T require(T v, String what) {
        if (v == null) throw new IllegalArgumentException(what + " is required");
        return v;
    }
}
