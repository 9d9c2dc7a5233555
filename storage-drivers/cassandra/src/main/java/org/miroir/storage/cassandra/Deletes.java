package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.Deletion;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.JournalOp;

/**
 * Deletes of an instance, a series or a study. A delete takes its journal position (and so its write timestamp)
 * first, hands each instance's claim over to a {@code deleted} claim at that timestamp (waiting, as stores do, for a
 * claim whose batch is still on its way), then writes one LOGGED BATCH: the membership rows (a row, a series slice or
 * the study's partition), the parents' rows and the journal entry. Per-instance rows ({@code instance},
 * {@code object_ref}) follow in batches of {@value #CHUNK}. A store racing a delete of the same study wins when its
 * timestamp is later, and is deleted otherwise.
 *
 * <p>Parents left empty are removed after the batch: a series without instances, a study without series (its row and
 * query-table rows). Queries also check membership, so a parent that a crash left behind is never returned.
 */
final class Deletes {
    private static final int CHUNK = 200;
    private static final int MAX_ATTEMPTS = 400;

    private final CqlSession session;
    private final Cql cql;
    private final Claims claims;
    private final Journal journal;
    private final CassandraSettings cfg;

    Deletes(CqlSession session, Cql cql, Claims claims, Journal journal, CassandraSettings cfg) {
        this.session = session;
        this.cql = cql;
        this.claims = claims;
        this.journal = journal;
        this.cfg = cfg;
    }

    CompletionStage<Deletion> instance(String study, String series, String sop) {
        return session.executeAsync(Cql.read(cql.memberRow, study, series, sop)).thenCompose(rs -> {
            Row member = rs.one();
            if (member == null) return CompletableFuture.completedFuture(Deletion.none());
            return delete(List.of(Rows.instance(member)), study, series, JournalOp.DELETE_INSTANCE);
        });
    }

    CompletionStage<Deletion> series(String study, String series) {
        return members(Cql.read(cql.membersOfSeries, study, series))
                .thenCompose(ms -> delete(ms, study, series, JournalOp.DELETE_SERIES));
    }

    CompletionStage<Deletion> study(String study) {
        return members(Cql.read(cql.membersOfStudy, study))
                .thenCompose(ms -> delete(ms, study, null, JournalOp.DELETE_STUDY));
    }

    private CompletionStage<List<InstanceRecord>> members(BoundStatement st) {
        return Async.collect(session.executeAsync(st), Rows::instance);
    }

    private CompletionStage<Deletion> delete(List<InstanceRecord> members, String study, String series,
            JournalOp op) {
        if (members.isEmpty()) return CompletableFuture.completedFuture(Deletion.none());
        long ticks = journal.begin(-1);
        long ts = TimeUuids.micros(ticks);
        return Async.map(members, 16, m -> release(m, ts)).thenCompose(released -> {
            List<InstanceRecord> removed = released.stream().filter(Objects::nonNull).toList();
            if (removed.isEmpty()) return CompletableFuture.completedFuture(Deletion.none());
            List<BatchStatement> batches = batches(removed, study, series, op, ticks);
            return Async.loop(0, i -> i == batches.size(),
                    i -> session.executeAsync(batches.get(i)).thenApply(rs -> i + 1))
                    .thenCompose(v -> removeEmptyParents(study, series, ts))
                    .thenApply(v -> new Deletion(removed, journal.position(ticks).toString()));
        }).whenComplete((d, e) -> journal.done(ticks));
    }

    /**
     * Hands the claim of {@code m} over to a deleted claim at {@code ts}. Returns what is deleted: the instance the
     * index holds under that UID at this point, or {@code null} when a later write owns it or nothing is indexed.
     */
    private CompletionStage<InstanceRecord> release(InstanceRecord m, long ts) {
        String sop = m.sopInstanceUid();
        record Step(int n, InstanceRecord result, boolean finished) {}
        return Async.loop(new Step(0, null, false), s -> s.finished, s -> {
            if (s.n >= MAX_ATTEMPTS) throw new StorageException("the claim of " + sop + " does not settle");
            return claims.read(sop, false).thenCompose(claim -> claims.indexed(sop).thenCompose(indexed -> {
                if (claim == null || claim.writeTs() >= ts)
                    return CompletableFuture.completedFuture(new Step(s.n, null, true));
                boolean abandoned = Duration.between(claim.claimedAt(), Instant.now())
                        .compareTo(cfg.claimTimeout()) > 0;
                if (!indexed.settles(claim) && !abandoned)
                    return Async.delay(Math.min(50, 2L << Math.min(s.n, 5))).thenApply(v -> new Step(s.n + 1, null,
                            false));
                if (!claim.stored() || !indexed.present())
                    return CompletableFuture.completedFuture(new Step(s.n, null, true));
                return claims.replace(sop, claim.writeTs(), Claims.deleted(ts)).thenApply(cas -> cas.applied()
                        ? new Step(s.n, indexed.record(), true) : new Step(s.n + 1, null, false));
            }));
        }).thenApply(s -> s.result);
    }

    private List<BatchStatement> batches(List<InstanceRecord> removed, String study, String series, JournalOp op,
            long ticks) {
        long ts = TimeUuids.micros(ticks);
        List<BatchStatement> out = new ArrayList<>();
        BatchStatementBuilder b = BatchStatement.builder(DefaultBatchType.LOGGED);
        String sop = null;
        switch (op) {
            case DELETE_INSTANCE -> {
                InstanceRecord r = removed.get(0);
                sop = r.sopInstanceUid();
                b.addStatement(cql.memberDelete.bind(ts, r.studyInstanceUid(), r.seriesInstanceUid(), sop));
            }
            case DELETE_SERIES -> {
                b.addStatement(cql.membersDeleteOfSeries.bind(ts, study, series));
                b.addStatement(cql.seriesDelete.bind(ts, study, series));
            }
            case DELETE_STUDY -> {
                b.addStatement(cql.membersDeleteOfStudy.bind(ts, study));
                b.addStatement(cql.seriesDeleteOfStudy.bind(ts, study));
            }
            default -> throw new IllegalStateException(op.name());
        }
        // Members moved by a concurrent overwrite live elsewhere: delete those rows one by one.
        for (InstanceRecord r : removed)
            if (!r.studyInstanceUid().equals(study) || series != null && !r.seriesInstanceUid().equals(series))
                b.addStatement(cql.memberDelete.bind(ts, r.studyInstanceUid(), r.seriesInstanceUid(),
                        r.sopInstanceUid()));
        b.addStatement(journal.insert(ticks, op, study, op == JournalOp.DELETE_STUDY ? null : series, sop, null, -1,
                null));
        int inFirst = 0;
        for (InstanceRecord r : removed) {
            if (inFirst == CHUNK) {
                out.add(finish(b));
                b = BatchStatement.builder(DefaultBatchType.LOGGED);
                inFirst = 0;
            }
            b.addStatement(cql.instanceDelete.bind(ts, r.sopInstanceUid()));
            b.addStatement(cql.objectRefDelete.bind(ts, r.objectKey()));
            inFirst++;
        }
        out.add(finish(b));
        return out;
    }

    private BatchStatement finish(BatchStatementBuilder b) {
        return b.build().setIdempotent(true).setConsistencyLevel(cfg.writeConsistency());
    }

    /** Removes the series and study rows (and the study's query-table rows) when no instance is left in them. */
    private CompletionStage<Void> removeEmptyParents(String study, String series, long ts) {
        CompletionStage<Void> seriesStep = series == null ? CompletableFuture.completedFuture(null)
                : count(Cql.read(cql.memberCountOfSeries, study, series)).thenCompose(n -> n > 0
                        ? CompletableFuture.completedFuture(null)
                        : session.executeAsync(cql.seriesDelete.bind(ts, study, series).setIdempotent(true))
                                .thenApply(rs -> null));
        return seriesStep.thenCompose(v -> session.executeAsync(Cql.read(cql.memberCounts, study))).thenCompose(rs -> {
            if (rs.currentPage().iterator().hasNext()) return CompletableFuture.completedFuture(null);
            return session.executeAsync(Cql.read(cql.studyRow, study)).thenCompose(srs -> {
                Row st = srs.one();
                if (st == null) return CompletableFuture.completedFuture(null);
                BatchStatementBuilder b = BatchStatement.builder(DefaultBatchType.LOGGED);
                b.addStatement(cql.studyDelete.bind(ts, study));
                b.addStatement(cql.studyByPatientDelete.bind(ts, st.getString("issuer"), st.getString("patient_id"),
                        study));
                Integer date = StorePath.dateN(st.getString("study_date"));
                if (date != null) b.addStatement(cql.studyByDateDelete.bind(ts, date / 100, date, study));
                if (st.getString("accession") != null)
                    b.addStatement(cql.studyByAccessionDelete.bind(ts, st.getString("accession"), study));
                return session.executeAsync(finish(b)).thenApply(x -> (Void) null);
            });
        });
    }

    private CompletionStage<Long> count(BoundStatement st) {
        return session.executeAsync(st).thenApply(rs -> {
            Row r = rs.one();
            return r == null ? 0L : r.getLong("n");
        });
    }
}
