package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A resumable, ordered stream of candidate rows: one CQL query paged by Cassandra, a list of keys, or one scan
 * expanded row by row into another (patients into their studies, studies into their series). A position is one
 * {@link Frame} per nesting level, outermost first: the Cassandra paging state of a page and how many of its rows were
 * consumed. Positions become page tokens, so a query resumes where its previous page ended.
 */
abstract class Scan {
    /** Where a level resumes: the paging state that fetched the page ({@code null}: the first) and rows consumed. */
    record Frame(ByteBuffer pagingState, int skip) {
        static final Frame START = new Frame(null, 0);
    }

    /** A candidate and the position just after it. */
    record Cand(Row row, Object key, List<Frame> after) {}

    /** Candidates in order; {@code exhausted}: nothing follows the last one. */
    record Chunk(List<Cand> cands, boolean exhausted) {}

    /** Frames in a position of this scan. */
    abstract int depth();

    /** Up to {@code max} candidates from {@code at} (a position of {@link #depth()} frames). */
    abstract CompletionStage<Chunk> read(List<Frame> at, int max);

    List<Frame> start() {
        return Collections.nCopies(depth(), Frame.START);
    }

    // ---------------------------------------------------------------- one CQL query

    static Scan cql(CqlSession session, BoundStatement statement, int pageSize) {
        return new Cql(session, statement, pageSize);
    }

    private static final class Cql extends Scan {
        private final CqlSession session;
        private final BoundStatement statement;
        private final int pageSize;

        Cql(CqlSession session, BoundStatement statement, int pageSize) {
            this.session = session;
            this.statement = statement.setPageSize(pageSize);
            this.pageSize = pageSize;
        }

        @Override
        int depth() {
            return 1;
        }

        @Override
        CompletionStage<Chunk> read(List<Frame> at, int max) {
            Frame f = at.get(0);
            List<Cand> out = new ArrayList<>();
            return fetch(f.pagingState(), f.skip(), max, out);
        }

        private CompletionStage<Chunk> fetch(ByteBuffer state, int skip, int max, List<Cand> out) {
            return session.executeAsync(statement.setPagingState(state)).thenCompose(rs -> {
                List<Row> rows = new ArrayList<>(pageSize);
                rs.currentPage().forEach(rows::add);
                for (int i = skip; i < rows.size(); i++) {
                    if (out.size() == max) return CompletableFuture.completedFuture(new Chunk(out, false));
                    out.add(new Cand(rows.get(i), null, List.of(new Frame(state, i + 1))));
                }
                if (!rs.hasMorePages()) return CompletableFuture.completedFuture(new Chunk(out, true));
                if (out.size() == max) return CompletableFuture.completedFuture(new Chunk(out, false));
                ByteBuffer next = rs.getExecutionInfo().getPagingState();
                return fetch(next, 0, max, out);
            });
        }
    }

    // ---------------------------------------------------------------- a list of keys

    static Scan keys(List<?> keys) {
        return new Keys(keys);
    }

    private static final class Keys extends Scan {
        private final List<?> keys;

        Keys(List<?> keys) {
            this.keys = List.copyOf(keys);
        }

        @Override
        int depth() {
            return 1;
        }

        @Override
        CompletionStage<Chunk> read(List<Frame> at, int max) {
            int from = at.get(0).skip();
            List<Cand> out = new ArrayList<>();
            int i = from;
            for (; i < keys.size() && out.size() < max; i++)
                out.add(new Cand(null, keys.get(i), List.of(new Frame(null, i + 1))));
            return CompletableFuture.completedFuture(new Chunk(out, i >= keys.size()));
        }
    }

    // ---------------------------------------------------------------- nested

    /**
     * Each candidate of {@code outer} expanded by {@code inner} (a scan of {@code innerDepth} frames, or {@code null}
     * to skip it). Up to {@code fanOut} outer candidates are expanded at once.
     */
    static Scan nested(Scan outer, int innerDepth, int fanOut, Function<Cand, CompletionStage<Scan>> inner) {
        return new Nested(outer, innerDepth, fanOut, inner);
    }

    private static final class Nested extends Scan {
        private static final int FOLLOWER_ROWS = 500;
        private final Scan outer;
        private final int innerDepth;
        private final int fanOut;
        private final Function<Cand, CompletionStage<Scan>> inner;

        Nested(Scan outer, int innerDepth, int fanOut, Function<Cand, CompletionStage<Scan>> inner) {
            this.outer = outer;
            this.innerDepth = innerDepth;
            this.fanOut = fanOut;
            this.inner = inner;
        }

        @Override
        int depth() {
            return outer.depth() + innerDepth;
        }

        private record State(List<Frame> outerAt, List<Frame> innerAt, List<Cand> out, boolean exhausted,
                boolean finished) {}

        @Override
        CompletionStage<Chunk> read(List<Frame> at, int max) {
            int od = outer.depth();
            State s0 = new State(at.subList(0, od), at.subList(od, at.size()), new ArrayList<>(), false, false);
            return Async.loop(s0, s -> s.finished, s -> step(s, max))
                    .thenApply(s -> new Chunk(s.out, s.exhausted));
        }

        private CompletionStage<State> step(State s, int max) {
            int want = Math.max(1, Math.min(fanOut, max - s.out.size()));
            return outer.read(s.outerAt, want).thenCompose(oc -> {
                if (oc.cands().isEmpty()) return CompletableFuture.completedFuture(
                        new State(s.outerAt, s.innerAt, s.out, true, true));
                List<Cand> outers = oc.cands();
                return Async.map(outers, outers.size(), c -> inner.apply(c)).thenCompose(scans -> {
                    List<CompletionStage<Chunk>> reads = new ArrayList<>();
                    int room = max - s.out.size();
                    for (int k = 0; k < scans.size(); k++) {
                        Scan sc = scans.get(k);
                        List<Frame> from = k == 0 ? s.innerAt : Collections.nCopies(innerDepth, Frame.START);
                        // Past the first, an expansion is used only if it ends within a page: read no more.
                        reads.add(sc == null ? CompletableFuture.completedFuture(new Chunk(List.of(), true))
                                : sc.read(from, k == 0 ? room : Math.min(room, FOLLOWER_ROWS)));
                    }
                    return Async.map(reads, reads.size(), r -> r).thenApply(chunks -> {
                        List<Frame> before = s.outerAt;
                        for (int k = 0; k < chunks.size(); k++) {
                            Chunk ic = chunks.get(k);
                            for (Cand c : ic.cands()) {
                                if (s.out.size() == max) return new State(before, null, s.out, false, true);
                                List<Frame> after = new ArrayList<>(before);
                                after.addAll(c.after());
                                s.out.add(new Cand(c.row(), c.key(), after));
                            }
                            if (!ic.exhausted()) return new State(before, null, s.out, false, true);
                            before = outers.get(k).after();
                        }
                        boolean end = oc.exhausted();
                        List<Frame> start = Collections.nCopies(innerDepth, Frame.START);
                        return new State(before, start, s.out, end, end || s.out.size() >= max);
                    });
                });
            });
        }
    }
}
