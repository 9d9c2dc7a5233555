package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.CASWriteUnknownException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.miroir.storage.StorageException;
import org.miroir.storage.query.Matching;
import org.miroir.storage.query.Page;
import org.miroir.storage.worklist.PerformedStep;
import org.miroir.storage.worklist.PerformedStepChange;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistChange;
import org.miroir.storage.worklist.WorklistItem;
import org.miroir.storage.worklist.WorklistKey;
import org.miroir.storage.worklist.WorklistQuery;

/**
 * Worklist items and performed steps. Each item and step row carries {@code write_ts}, the write timestamp of its
 * last change; a change reads the row at serial consistency, decides, and applies itself with a lightweight
 * transaction on that {@code write_ts}, retrying on the row it finds when another change came first. Active items
 * (scheduled or started) are also copied into the single {@code worklist_active} partition that modality queries
 * read, at the change's timestamp, so copies reaching replicas out of order still leave the last change's.
 *
 * <p>The journal entry is written before the transaction: an entry names what to copy to the mirror, so one for a
 * change that then lost its race is harmless, while one missing would lose the change there. A failure after the
 * transaction leaves the active copy behind; the order or MPPS message is then not acknowledged, and its sender's
 * retry finds the item changed already and writes the copy again ({@link #sync}). The same goes for a performed step
 * whose items were not all moved: creating or updating it again moves them.
 */
final class Worklist {
    private static final int MAX_ATTEMPTS = 32;

    private final CqlSession session;
    private final Cql cql;
    private final Journal journal;
    private final CassandraSettings cfg;

    Worklist(CqlSession session, Cql cql, Journal journal, CassandraSettings cfg) {
        this.session = session;
        this.cql = cql;
        this.journal = journal;
        this.cfg = cfg;
    }

    /** A row as read: its item (or step) and the {@code write_ts} a change must find. */
    private record Seen<T>(T value, long writeTs) {}

    /** One try of a change: its result, or {@code null} to read again and retry. */
    private record Try<T>(int n, T result) {}

    // ---------------------------------------------------------------- items

    CompletionStage<WorklistChange> schedule(WorklistItem item, boolean create) {
        item.requireSchedulable();
        return retry(n -> readItem(item.itemId()).thenCompose(seen -> {
            if (seen == null) {
                if (!create) return done(new WorklistChange(WorklistChange.Outcome.NOT_FOUND, null, null));
                return change(null, item).thenApply(pos -> pos == null ? null
                        : new WorklistChange(WorklistChange.Outcome.CREATED, item, pos));
            }
            if (seen.value().status() != StepStatus.SCHEDULED)
                return sync(seen.value(), seen.writeTs()).thenApply(v ->
                        new WorklistChange(WorklistChange.Outcome.CONFLICT, seen.value(), null));
            return change(seen, item).thenApply(pos -> pos == null ? null
                    : new WorklistChange(WorklistChange.Outcome.REPLACED, item, pos));
        }));
    }

    CompletionStage<WorklistChange> end(String itemId, StepStatus to) {
        if (to != StepStatus.CANCELED && to != StepStatus.DISCONTINUED)
            throw new IllegalArgumentException("an order ends an item as CANCELED or DISCONTINUED, not " + to);
        return retry(n -> readItem(itemId).thenCompose(seen -> {
            if (seen == null) return done(new WorklistChange(WorklistChange.Outcome.NOT_FOUND, null, null));
            WorklistItem now = seen.value();
            if (now.status() == to || !now.status().mayBecome(to)) {
                WorklistChange.Outcome o = now.status() == to ? WorklistChange.Outcome.UNCHANGED
                        : WorklistChange.Outcome.CONFLICT;
                return sync(now, seen.writeTs()).thenApply(v -> new WorklistChange(o, now, null));
            }
            WorklistItem next = now.withStatus(to, null);
            return change(seen, next).thenApply(pos -> pos == null ? null
                    : new WorklistChange(WorklistChange.Outcome.CHANGED, next, pos));
        }));
    }

    CompletionStage<Optional<WorklistItem>> item(String itemId) {
        return session.executeAsync(Cql.read(cql.itemRead, itemId))
                .thenApply(rs -> Optional.ofNullable(rs.one()).map(Rows::worklistItem));
    }

    /**
     * Active items only: the {@code worklist_active} partition in item id order (page token {@code a:<last id>});
     * otherwise every item in token order ({@code t:<last token>}). Each is checked with {@link WorklistQuery#test}.
     */
    CompletionStage<Page<WorklistItem>> find(WorklistQuery q) {
        boolean activeOnly = true;
        for (StepStatus s : StepStatus.values())
            if (!s.active() && Matching.matches(WorklistKey.STATUS.kind(), q.match(WorklistKey.STATUS), s.name(), false))
                activeOnly = false;
        String prefix = activeOnly ? "a:" : "t:";
        String token = q.pageToken();
        if (token != null && !token.startsWith(prefix))
            throw new IllegalArgumentException("invalid page token for this worklist query: " + token);
        String after = token == null ? null : token.substring(2);
        BoundStatement first;
        if (activeOnly) {
            first = Cql.read(cql.activeFrom, after == null ? "" : after);
        } else {
            long from;
            try {
                from = after == null ? Long.MIN_VALUE : Long.parseLong(after);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid page token for this worklist query: " + token, e);
            }
            first = Cql.read(cql.itemsFrom, from);
        }
        boolean byToken = !activeOnly;
        List<WorklistItem> items = new ArrayList<>();
        List<String> positions = new ArrayList<>();
        return session.executeAsync(first.setPageSize(cfg.pageSize())).thenCompose(rs -> collectPage(rs, q, byToken,
                items, positions)).thenApply(more -> new Page<>(items,
                        more ? prefix + positions.get(positions.size() - 1) : null));
    }

    /** Adds matches until the page is full; completes with whether more may follow. */
    private CompletionStage<Boolean> collectPage(AsyncResultSet rs, WorklistQuery q, boolean byToken,
            List<WorklistItem> items, List<String> positions) {
        for (Row r : rs.currentPage()) {
            WorklistItem i = Rows.worklistItem(r);
            if (!q.test(i)) continue;
            if (items.size() == q.limit()) return CompletableFuture.completedFuture(true);
            items.add(i);
            positions.add(byToken ? Long.toString(r.getLong("t")) : i.itemId());
        }
        if (!rs.hasMorePages()) return CompletableFuture.completedFuture(false);
        return rs.fetchNextPage().thenCompose(next -> collectPage(next, q, byToken, items, positions));
    }

    private CompletionStage<Seen<WorklistItem>> readItem(String itemId) {
        return session.executeAsync(Cql.read(cql.itemRead, itemId).setConsistencyLevel(cfg.serialConsistency()))
                .thenApply(rs -> {
                    Row r = rs.one();
                    return r == null ? null : new Seen<>(Rows.worklistItem(r), r.getLong("write_ts"));
                });
    }

    /**
     * Journal entry, then the transaction from {@code seen} ({@code null}: create) to {@code next}, then its active
     * copy; completes with the journal position, or {@code null} when another change came first.
     */
    private CompletionStage<String> change(Seen<WorklistItem> seen, WorklistItem next) {
        long ticks = journal.begin(seen == null ? -1 : seen.writeTs());
        long ts = TimeUuids.micros(ticks);
        return session.executeAsync(journal.insertWorklistItem(ticks, next.itemId()).setIdempotent(true)
                .setConsistencyLevel(cfg.writeConsistency())).thenCompose(j -> {
                    Object[] values = Rows.itemValues(next);
                    BoundStatement st = seen == null
                            ? cql.itemCreate.bind(concat(new Object[] {next.itemId()}, values, new Object[] {ts}))
                            : cql.itemCas.bind(concat(values, new Object[] {ts, next.itemId(), seen.writeTs()}));
                    return lwt(st, () -> readItem(next.itemId()).thenApply(s -> s != null && s.writeTs() == ts));
                }).thenCompose(applied -> !applied ? CompletableFuture.<String>completedFuture(null)
                        : sync(next, ts).thenApply(v -> journal.position(ticks).toString()))
                .whenComplete((x, e) -> journal.done(ticks));
    }

    /** Makes the active copy agree with {@code item} as written at {@code ts}. */
    private CompletionStage<Void> sync(WorklistItem item, long ts) {
        BoundStatement st = item.status().active()
                ? cql.activeUpsert.bind(concat(new Object[] {item.itemId()}, Rows.itemValues(item), new Object[] {ts}))
                : cql.activeDelete.bind(ts, item.itemId());
        return session.executeAsync(st.setIdempotent(true).setConsistencyLevel(cfg.writeConsistency()))
                .thenApply(rs -> null);
    }

    // ---------------------------------------------------------------- performed steps

    CompletionStage<PerformedStepChange> createStep(PerformedStep step) {
        if (step.status() != PerformedStep.Status.IN_PROGRESS)
            throw new IllegalArgumentException("a performed step starts IN PROGRESS, not " + step.status());
        return readStep(step.sopInstanceUid()).thenCompose(seen -> seen != null ? exists(seen.value()) : create(step));
    }

    private CompletionStage<PerformedStepChange> create(PerformedStep step) {
        long ticks = journal.begin(-1);
        long ts = TimeUuids.micros(ticks);
        BoundStatement create = cql.stepCreate.bind(step.sopInstanceUid(), step.status().name(),
                step.worklistItemIds(), Rows.blob(step.attributes()), ts);
        return session.executeAsync(journal.insertPerformedStep(ticks, step.sopInstanceUid()).setIdempotent(true)
                .setConsistencyLevel(cfg.writeConsistency()))
                .thenCompose(j -> lwt(create, () -> readStep(step.sopInstanceUid())
                        .thenApply(s -> s != null && s.writeTs() == ts)))
                .thenCompose(applied -> applied
                        ? moveItems(step, StepStatus.STARTED).thenApply(v -> new PerformedStepChange(
                                PerformedStepChange.Outcome.CREATED, step, journal.position(ticks).toString()))
                        : readStep(step.sopInstanceUid()).thenCompose(s -> exists(s.value())))
                .whenComplete((x, e) -> journal.done(ticks));
    }

    /** A step created before: its items are moved on, in case that creation stopped half-way. */
    private CompletionStage<PerformedStepChange> exists(PerformedStep stored) {
        return heal(stored).thenApply(v -> new PerformedStepChange(PerformedStepChange.Outcome.EXISTS, stored, null));
    }

    CompletionStage<PerformedStepChange> updateStep(PerformedStep step) {
        return retry(n -> readStep(step.sopInstanceUid()).thenCompose(seen -> {
            if (seen == null) return done(new PerformedStepChange(PerformedStepChange.Outcome.NOT_FOUND, null, null));
            PerformedStep stored = seen.value();
            if (stored.status() != PerformedStep.Status.IN_PROGRESS)
                return heal(stored).thenApply(v ->
                        new PerformedStepChange(PerformedStepChange.Outcome.NOT_IN_PROGRESS, stored, null));
            PerformedStep next = new PerformedStep(stored.sopInstanceUid(), step.status(), stored.worklistItemIds(),
                    step.attributes());
            long ticks = journal.begin(seen.writeTs());
            long ts = TimeUuids.micros(ticks);
            BoundStatement cas = cql.stepCas.bind(next.status().name(), Rows.blob(next.attributes()), ts,
                    next.sopInstanceUid(), seen.writeTs());
            return session.executeAsync(journal.insertPerformedStep(ticks, next.sopInstanceUid()).setIdempotent(true)
                    .setConsistencyLevel(cfg.writeConsistency()))
                    .thenCompose(j -> lwt(cas, () -> readStep(next.sopInstanceUid())
                            .thenApply(s -> s != null && s.writeTs() == ts)))
                    .thenCompose(applied -> !applied ? CompletableFuture.<PerformedStepChange>completedFuture(null)
                            : heal(next).thenApply(v -> new PerformedStepChange(PerformedStepChange.Outcome.UPDATED,
                                    next, journal.position(ticks).toString())))
                    .whenComplete((x, e) -> journal.done(ticks));
        }));
    }

    CompletionStage<Optional<PerformedStep>> step(String sopInstanceUid) {
        return session.executeAsync(Cql.read(cql.stepRead, sopInstanceUid))
                .thenApply(rs -> Optional.ofNullable(rs.one()).map(Rows::performedStep));
    }

    private CompletionStage<Seen<PerformedStep>> readStep(String sopInstanceUid) {
        return session.executeAsync(Cql.read(cql.stepRead, sopInstanceUid)
                .setConsistencyLevel(cfg.serialConsistency())).thenApply(rs -> {
                    Row r = rs.one();
                    return r == null ? null : new Seen<>(Rows.performedStep(r), r.getLong("write_ts"));
                });
    }

    /** Moves the items of {@code step} to where its status says they belong (started, completed, discontinued). */
    private CompletionStage<Void> heal(PerformedStep step) {
        StepStatus to = step.status() == PerformedStep.Status.IN_PROGRESS ? StepStatus.STARTED
                : step.status().itemStatus();
        return moveItems(step, to);
    }

    /** Moves each item of {@code step} that may become {@code to}; the others (ended by their order, unknown) stay. */
    private CompletionStage<Void> moveItems(PerformedStep step, StepStatus to) {
        return Async.map(step.worklistItemIds(), 4, id -> retry(n -> readItem(id).thenCompose(seen -> {
            if (seen == null || !seen.value().status().mayBecome(to)) return done(Boolean.TRUE);
            WorklistItem next = seen.value().withStatus(to, to == StepStatus.STARTED ? step.sopInstanceUid() : null);
            return change(seen, next).thenApply(pos -> pos == null ? null : Boolean.TRUE);
        }))).thenApply(x -> null);
    }

    // ---------------------------------------------------------------- helpers

    /** Runs {@code attempt} until it gives a result ({@code null}: lost a race, read again), a bounded number of times. */
    private <T> CompletionStage<T> retry(Function<Integer, CompletionStage<T>> attempt) {
        return Async.loop(new Try<T>(0, null), t -> t.result() != null, t -> {
            if (t.n() >= MAX_ATTEMPTS)
                throw new StorageException("worklist row still contended after " + MAX_ATTEMPTS + " attempts");
            return attempt.apply(t.n()).thenApply(r -> new Try<>(t.n() + 1, r));
        }).thenApply(Try::result);
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    /**
     * Runs a lightweight transaction; whether it applied. A timeout leaves that unknown: {@code readBack} (a serial
     * read, which completes any Paxos round in flight) tells, since transactions are not idempotent and are never
     * sent twice.
     */
    private CompletionStage<Boolean> lwt(BoundStatement st, Supplier<CompletionStage<Boolean>> readBack) {
        BoundStatement s = st.setIdempotent(false).setSerialConsistencyLevel(cfg.serialConsistency())
                .setConsistencyLevel(cfg.writeConsistency());
        return session.executeAsync(s).handle((rs, e) -> {
            if (e == null) return CompletableFuture.completedFuture(rs.wasApplied());
            Throwable cause = Async.unwrap(e);
            if (cause instanceof WriteTimeoutException || cause instanceof CASWriteUnknownException
                    || cause instanceof DriverTimeoutException) return readBack.get();
            return CompletableFuture.<Boolean>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    private static Object[] concat(Object[]... parts) {
        int n = 0;
        for (Object[] p : parts) n += p.length;
        Object[] out = new Object[n];
        int at = 0;
        for (Object[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
