package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListSet;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.JournalOp;
import org.miroir.storage.metadata.PatientKey;

/**
 * The replication journal: {@code journal((partition), position timeuuid)}. A study's entries share a partition
 * ({@code hash(Study Instance UID) mod partitions}), so its stores and deletes stay in order. Entries about patients,
 * worklist items and performed steps all go to partition 0, so the registry's and the orders' changes keep their
 * order too (they are few next to stores).
 *
 * <p>No gaps behind a reader. Positions are taken before their batch is sent, and batches commit in any order, so an
 * entry may become visible after a later one. A reader therefore sees only entries at or before a horizon: the oldest
 * position this store still has in flight (exact for its own writes) and {@code now - settle} (for writes of other
 * nodes, whose in-flight positions it cannot see: {@code journal-settle} must exceed their longest write, retries
 * included, plus clock skew). When every entry found is younger than the horizon, the read waits for it (at most
 * the settle time, on a timer, never on a driver thread) rather than answer an empty list that would look like the
 * end of the journal. One case stays open: a batch that timed out and is replayed later from Cassandra's batch log can
 * land behind a reader; the DR verification (journal against mirror) catches such entries.
 */
final class Journal {
    private final CqlSession session;
    private final Cql cql;
    private final int partitions;
    private final long settleTicks;
    private final TimeUuids clock = new TimeUuids();
    private final ConcurrentSkipListSet<Long> inFlight = new ConcurrentSkipListSet<>();

    Journal(CqlSession session, Cql cql, int partitions, Duration settle) {
        this.session = session;
        this.cql = cql;
        this.partitions = partitions;
        this.settleTicks = settle.toNanos() / 100;
    }

    int partitions() {
        return partitions;
    }

    int partitionOf(String studyInstanceUid) {
        return Math.floorMod(studyInstanceUid.hashCode(), partitions);
    }

    /**
     * Takes a position after every one this store handed out and after {@code afterMicros} (the write timestamp of
     * the state it replaces), and holds back readers until {@link #done} releases it.
     */
    long begin(long afterMicros) {
        long ticks = clock.next(afterMicros < 0 ? 0 : TimeUuids.ticksOfMicros(afterMicros + 1));
        inFlight.add(ticks);
        return ticks;
    }

    void done(long ticks) {
        inFlight.remove(ticks);
    }

    UUID position(long ticks) {
        return clock.uuid(ticks);
    }

    BoundStatement insert(long ticks, JournalOp op, String study, String series, String sop, String objectKey,
            long size, String sha256) {
        return cql.journalInsert.bind(partitionOf(study), position(ticks), Instant.now(), op.name(), study, series, sop,
                objectKey, size < 0 ? null : size, sha256, null, null, null, null, null, TimeUuids.micros(ticks));
    }

    /** A {@link JournalOp#PATIENT_UPDATE} ({@code prior} null) or {@link JournalOp#PATIENT_MERGE} entry. */
    BoundStatement insertPatient(long ticks, PatientKey patient, PatientKey prior) {
        JournalOp op = prior == null ? JournalOp.PATIENT_UPDATE : JournalOp.PATIENT_MERGE;
        return cql.journalInsert.bind(0, position(ticks), Instant.now(), op.name(), null, null, null, null, null, null,
                patient.patientId(), patient.issuerOfPatientId(), prior == null ? null : prior.patientId(),
                prior == null ? null : prior.issuerOfPatientId(), null, TimeUuids.micros(ticks));
    }

    BoundStatement insertWorklistItem(long ticks, String itemId) {
        return cql.journalInsert.bind(0, position(ticks), Instant.now(), JournalOp.WORKLIST_UPDATE.name(), null, null,
                null, null, null, null, null, null, null, null, itemId, TimeUuids.micros(ticks));
    }

    BoundStatement insertPerformedStep(long ticks, String sopInstanceUid) {
        return cql.journalInsert.bind(0, position(ticks), Instant.now(), JournalOp.PERFORMED_STEP_UPDATE.name(), null,
                null, sopInstanceUid, null, null, null, null, null, null, null, null, TimeUuids.micros(ticks));
    }

    private long horizon() {
        long h = TimeUuids.nowTicks() - settleTicks;
        Long oldest = inFlight.isEmpty() ? null : inFlight.first();
        return oldest == null ? h : Math.min(h, oldest - 1);
    }

    CompletionStage<List<JournalEntry>> read(int partition, UUID after, int limit) {
        long deadline = System.nanoTime() + settleTicks * 100 + 5_000_000_000L;
        return Async.loop(new ReadState(null, false), s -> s.done, s -> readOnce(partition, after, limit)
                .thenCompose(found -> {
                    long h = horizon();
                    List<JournalEntry> settled = new ArrayList<>();
                    for (JournalEntry e : found) {
                        if (TimeUuids.ticks(UUID.fromString(e.position())) > h) break;
                        settled.add(e);
                    }
                    if (!settled.isEmpty() || found.isEmpty() || System.nanoTime() > deadline)
                        return CompletableFuture.completedFuture(new ReadState(settled, true));
                    long first = TimeUuids.ticks(UUID.fromString(found.get(0).position()));
                    long waitMs = Math.max(1, Math.min(50, (first - h) / 10_000));
                    return Async.delay(waitMs).thenApply(v -> new ReadState(null, false));
                })).thenApply(s -> s.entries);
    }

    private record ReadState(List<JournalEntry> entries, boolean done) {}

    private CompletionStage<List<JournalEntry>> readOnce(int partition, UUID after, int limit) {
        BoundStatement st = after == null ? Cql.read(cql.journalFrom, partition, limit)
                : Cql.read(cql.journalAfter, partition, after, limit);
        return session.executeAsync(st.setPageSize(limit)).thenApply(rs -> entries(rs, partition));
    }

    private static List<JournalEntry> entries(AsyncResultSet rs, int partition) {
        List<JournalEntry> out = new ArrayList<>();
        for (Row r : rs.currentPage()) {
            Long size = r.isNull("size") ? null : r.getLong("size");
            JournalOp op = JournalOp.valueOf(r.getString("op"));
            boolean ofPatient = op == JournalOp.PATIENT_UPDATE || op == JournalOp.PATIENT_MERGE;
            out.add(new JournalEntry(partition, r.getUuid("position").toString(), r.getInstant("recorded_at"),
                    op, r.getString("study_uid"), r.getString("series_uid"), r.getString("sop_uid"),
                    r.getString("object_key"), size == null ? -1 : size, r.getString("sha256"),
                    ofPatient ? new PatientKey(r.getString("patient_id"), r.getString("issuer")) : null,
                    op == JournalOp.PATIENT_MERGE
                            ? new PatientKey(r.getString("prior_patient_id"), r.getString("prior_issuer")) : null,
                    r.getString("item_id")));
        }
        return out;
    }

    CompletionStage<Void> trim(int partition, UUID through) {
        long micros = Math.max(TimeUuids.micros(TimeUuids.nowTicks()), TimeUuids.micros(through.timestamp()) + 1);
        BoundStatement st = cql.journalTrim.bind(micros, partition, through).setIdempotent(true);
        return session.executeAsync(st).thenApply(rs -> null);
    }
}
