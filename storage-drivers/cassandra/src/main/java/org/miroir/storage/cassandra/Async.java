package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.miroir.storage.StorageException;

/** Small helpers for composing the driver's stages without blocking its threads. */
final class Async {
    private Async() {}

    /**
     * Runs {@code step} until {@code done} holds, without growing the stack when steps complete synchronously.
     */
    static <S> CompletableFuture<S> loop(S initial, Predicate<S> done, Function<S, CompletionStage<S>> step) {
        CompletableFuture<S> result = new CompletableFuture<>();
        new Object() {
            void run(S s) {
                try {
                    while (true) {
                        if (done.test(s)) {
                            result.complete(s);
                            return;
                        }
                        CompletableFuture<S> f = step.apply(s).toCompletableFuture();
                        if (f.isDone() && !f.isCompletedExceptionally()) {
                            s = f.join();
                            continue;
                        }
                        f.whenComplete((next, e) -> {
                            if (e != null) result.completeExceptionally(unwrap(e));
                            else run(next);
                        });
                        return;
                    }
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }
        }.run(initial);
        return result;
    }

    /**
     * Applies {@code f} to every item with at most {@code parallelism} stages pending; results keep the items' order.
     */
    static <T, R> CompletableFuture<List<R>> map(List<T> items, int parallelism, Function<T, CompletionStage<R>> f) {
        int n = items.size();
        List<R> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(null);
        if (n == 0) return CompletableFuture.completedFuture(out);
        CompletableFuture<List<R>> result = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger remaining = new AtomicInteger(n);
        Runnable[] worker = new Runnable[1];
        worker[0] = () -> {
            int i;
            while ((i = next.getAndIncrement()) < n && !result.isDone()) {
                int index = i;
                CompletableFuture<R> stage;
                try {
                    stage = f.apply(items.get(index)).toCompletableFuture();
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                    return;
                }
                if (stage.isDone() && !stage.isCompletedExceptionally()) {
                    out.set(index, stage.join());
                    if (remaining.decrementAndGet() == 0) result.complete(out);
                    continue;
                }
                stage.whenComplete((r, e) -> {
                    if (e != null) {
                        result.completeExceptionally(unwrap(e));
                        return;
                    }
                    out.set(index, r);
                    if (remaining.decrementAndGet() == 0) result.complete(out);
                    else worker[0].run();
                });
                return;
            }
        };
        for (int k = 0; k < Math.min(parallelism, n); k++) worker[0].run();
        return result;
    }

    /** Every row of a query, page after page, mapped. */
    static <T> CompletionStage<List<T>> collect(CompletionStage<AsyncResultSet> first, Function<Row, T> mapper) {
        List<T> out = new ArrayList<>();
        return first.thenCompose(rs -> collect(rs, mapper, out));
    }

    private static <T> CompletionStage<List<T>> collect(AsyncResultSet rs, Function<Row, T> mapper, List<T> out) {
        for (Row r : rs.currentPage()) out.add(mapper.apply(r));
        if (!rs.hasMorePages()) return CompletableFuture.completedFuture(out);
        return rs.fetchNextPage().thenCompose(next -> collect(next, mapper, out));
    }

    /** Completes after {@code millis} (on the JDK's shared delayed executor: no thread of ours waits). */
    static CompletableFuture<Void> delay(long millis) {
        Executor later = CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS);
        return CompletableFuture.runAsync(() -> {}, later);
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null)
            e = e.getCause();
        return e;
    }

    /** What callers see: invalid requests as they are, store failures as {@link StorageException}. */
    static Throwable translate(Throwable e, String what) {
        e = unwrap(e);
        if (e instanceof StorageException || e instanceof IllegalArgumentException) return e;
        if (e instanceof InvalidQueryException) return new IllegalArgumentException(what + ": " + e.getMessage(), e);
        if (e instanceof AllNodesFailedException a)
            return new StorageException(what + ": no Cassandra node answered (" + a.getMessage() + ")", e);
        if (e instanceof DriverException) return new StorageException(what + ": " + e.getMessage(), e);
        return new StorageException(what + " failed: " + e, e);
    }

    /** {@code stage}, with its failure translated by {@link #translate}. */
    static <T> CompletableFuture<T> translated(CompletionStage<T> stage, String what) {
        CompletableFuture<T> out = new CompletableFuture<>();
        stage.whenComplete((v, e) -> {
            if (e != null) out.completeExceptionally(translate(e, what));
            else out.complete(v);
        });
        return out;
    }
}
