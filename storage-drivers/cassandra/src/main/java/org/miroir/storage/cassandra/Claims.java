package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.CASWriteUnknownException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads and writes claims, and reads what the index holds for a SOP Instance UID. A lightweight transaction whose
 * outcome is unknown (timeout) is never re-sent: the claim is read back at serial consistency, which completes any
 * Paxos round in progress, and the write counts as applied only if the claim now carries its write timestamp.
 */
final class Claims {
    /** The result of a compare-and-set; {@code current} is the claim found when not applied, if the reply had it. */
    record Cas(boolean applied, Claim current) {}

    private final CqlSession session;
    private final Cql cql;
    private final CassandraSettings cfg;

    Claims(CqlSession session, Cql cql, CassandraSettings cfg) {
        this.session = session;
        this.cql = cql;
        this.cfg = cfg;
    }

    /** The claim, or {@code null}; {@code serial} reads at serial consistency (linearizable with the transactions). */
    CompletionStage<Claim> read(String sop, boolean serial) {
        BoundStatement st = Cql.read(cql.claimRead, sop);
        if (serial) st = st.setConsistencyLevel(cfg.serialConsistency());
        return session.executeAsync(st).thenApply(rs -> {
            Row r = rs.one();
            return r == null ? null : Claim.of(r);
        });
    }

    CompletionStage<Cas> insert(String sop, Claim mine) {
        BoundStatement st = cql.claimInsert.bind(sop, mine.state(), mine.writeTs(), mine.claimedAt(), mine.studyUid(),
                mine.seriesUid(), mine.objectKey());
        return lwt(st, sop, mine, true);
    }

    /** Replaces the claim whose write timestamp is {@code expectedWriteTs} with {@code mine}. */
    CompletionStage<Cas> replace(String sop, long expectedWriteTs, Claim mine) {
        BoundStatement st = cql.claimCas.bind(mine.state(), mine.writeTs(), mine.claimedAt(), mine.studyUid(),
                mine.seriesUid(), mine.objectKey(), sop, expectedWriteTs);
        return lwt(st, sop, mine, false);
    }

    private CompletionStage<Cas> lwt(BoundStatement st, String sop, Claim mine, boolean insert) {
        st = st.setIdempotent(false).setSerialConsistencyLevel(cfg.serialConsistency())
                .setConsistencyLevel(cfg.writeConsistency());
        CompletableFuture<Cas> out = new CompletableFuture<>();
        session.executeAsync(st).whenComplete((rs, e) -> {
            if (e == null) {
                out.complete(result(rs, insert));
                return;
            }
            Throwable cause = Async.unwrap(e);
            if (!(cause instanceof WriteTimeoutException || cause instanceof CASWriteUnknownException
                    || cause instanceof DriverTimeoutException)) {
                out.completeExceptionally(cause);
                return;
            }
            read(sop, true).whenComplete((claim, e2) -> {
                if (e2 != null) out.completeExceptionally(Async.unwrap(e2));
                else if (claim != null && claim.writeTs() == mine.writeTs()
                        && Objects.equals(claim.objectKey(), mine.objectKey()))
                    out.complete(new Cas(true, null));
                else out.complete(new Cas(false, claim));
            });
        });
        return out;
    }

    private static Cas result(AsyncResultSet rs, boolean insert) {
        boolean applied = rs.wasApplied();
        Row r = rs.one();
        return new Cas(applied, applied || !insert || r == null ? null : Claim.of(r));
    }

    /** The committed instance of {@code sop}: its {@code instance} row, if its membership row is there too. */
    CompletionStage<Indexed> indexed(String sop) {
        return session.executeAsync(Cql.read(cql.instanceRow, sop)).thenCompose(rs -> {
            Row r = rs.one();
            if (r == null) return CompletableFuture.completedFuture(Indexed.NONE);
            var record = Rows.instance(r);
            return session.executeAsync(Cql.read(cql.memberRow, record.studyInstanceUid(),
                    record.seriesInstanceUid(), sop)).thenApply(m -> {
                        Row member = m.one();
                        return member != null && record.objectKey().equals(member.getString("object_key"))
                                ? new Indexed(record) : Indexed.NONE;
                    });
        });
    }

    static Claim stored(long writeTs, String study, String series, String objectKey) {
        return new Claim(Claim.STORED, writeTs, Instant.now(), study, series, objectKey);
    }

    static Claim deleted(long writeTs) {
        return new Claim(Claim.DELETED, writeTs, Instant.now(), null, null, null);
    }
}
