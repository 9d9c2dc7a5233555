package org.miroir.storage.embedded;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.miroir.storage.StorageException;

/**
 * Read-only connections, one per pool thread, each with a small cache of prepared statements keyed by SQL text.
 * WAL gives every read a consistent snapshot of the last commit, beside the writer. The task queue is bounded: a
 * saturated pool fails fast.
 */
final class ReadPool {
    private static final int STATEMENT_CACHE = 64;

    /** A pool thread's connection and its statement cache. */
    static final class Reader {
        final Connection connection;
        private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                if (size() <= STATEMENT_CACHE) return false;
                closeQuietly(eldest.getValue());
                return true;
            }
        };

        Reader(Connection connection) {
            this.connection = connection;
        }

        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = connection.prepareStatement(sql);
                statements.put(sql, ps);
            }
            ps.clearParameters();
            return ps;
        }

        void close() {
            statements.values().forEach(Reader::closeQuietly);
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }

        private static void closeQuietly(PreparedStatement ps) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // evicted
            }
        }
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Reader r) throws SQLException;
    }

    private final Path db;
    private final ThreadPoolExecutor executor;
    private final ThreadLocal<Reader> reader = new ThreadLocal<>();
    private final List<Reader> all = new CopyOnWriteArrayList<>();

    ReadPool(Path db, int threads, int queueCapacity) {
        this.db = db;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, "miroir-sqlite-read-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    <T> CompletableFuture<T> submit(Work<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    f.complete(work.run(reader()));
                } catch (SQLException e) {
                    f.completeExceptionally(new StorageException("index read failed: " + e.getMessage(), e));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new StorageException(
                    executor.isShutdown() ? "metadata store is closed" : "metadata read queue is full"));
        }
        return f;
    }

    private Reader reader() throws SQLException {
        Reader r = reader.get();
        if (r == null) {
            r = new Reader(Sqlite.openReader(db));
            reader.set(r);
            all.add(r);
        }
        return r;
    }

    void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) executor.shutdownNow();
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        all.forEach(Reader::close);
    }
}
