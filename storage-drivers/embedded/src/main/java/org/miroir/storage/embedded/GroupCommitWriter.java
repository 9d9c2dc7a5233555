package org.miroir.storage.embedded;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.miroir.storage.StorageException;

/**
 * The index's only writer. Callers queue work (bounded: a full queue fails fast); one thread takes whatever is
 * queued, up to a batch, runs each item in its own savepoint inside one transaction and commits once, so one WAL
 * fsync covers the whole batch. Each caller's future completes only after the commit. An item that fails is rolled
 * back to its savepoint alone; a failing commit fails the whole batch.
 */
final class GroupCommitWriter {
    private static final System.Logger LOG = System.getLogger(GroupCommitWriter.class.getName());

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private record Task<T>(Work<T> work, CompletableFuture<T> future) {
        void fail(Throwable t) {
            future.completeExceptionally(t);
        }
    }

    private final Connection conn;
    private final ArrayBlockingQueue<Task<?>> queue;
    private final int maxBatch;
    private final Thread thread;
    private final Runnable afterBatch;
    private volatile boolean closing;

    GroupCommitWriter(Connection conn, int queueCapacity, int maxBatch, Runnable afterBatch) {
        this.conn = conn;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxBatch = maxBatch;
        this.afterBatch = afterBatch;
        this.thread = new Thread(this::loop, "miroir-sqlite-writer");
        thread.setDaemon(true);
        thread.start();
    }

    <T> CompletableFuture<T> submit(Work<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (closing) f.completeExceptionally(new StorageException("metadata store is closed"));
        else if (!queue.offer(new Task<>(work, f)))
            f.completeExceptionally(new StorageException("metadata write queue is full (" + queue.size() + ")"));
        return f;
    }

    boolean isRunning() {
        return thread.isAlive() && !closing;
    }

    /** Commits what is queued, stops the thread, fails anything that raced in after. */
    void close() {
        closing = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Task<?> t; (t = queue.poll()) != null; ) t.fail(new StorageException("metadata store is closed"));
    }

    private void loop() {
        List<Task<?>> batch = new ArrayList<>(maxBatch);
        while (true) {
            Task<?> first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (closing) return;
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            commit(batch);
            batch.clear();
            afterBatch.run();
        }
    }

    private void commit(List<Task<?>> batch) {
        List<Runnable> completions = new ArrayList<>(batch.size());
        try (Statement s = conn.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                for (Task<?> t : batch) run(s, t, completions);
                s.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(s);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "index commit of " + batch.size() + " writes failed", e);
            StorageException failure = new StorageException("index write failed: " + e.getMessage(), e);
            batch.forEach(t -> t.fail(failure));
            return;
        }
        completions.forEach(Runnable::run);
    }

    private static <T> void run(Statement s, Task<T> t, List<Runnable> completions) throws SQLException {
        s.execute("SAVEPOINT item");
        T result;
        try {
            result = t.work().run(s.getConnection());
        } catch (SQLException | RuntimeException e) {
            // If SQLite already rolled the whole transaction back (I/O error, disk full), ROLLBACK TO fails
            // and the batch fails as a whole: nothing of it can have been written.
            s.execute("ROLLBACK TO item");
            s.execute("RELEASE item");
            t.fail(e instanceof SQLException ? new StorageException("index write failed: " + e.getMessage(), e) : e);
            return;
        }
        s.execute("RELEASE item");
        completions.add(() -> t.future().complete(result));
    }

    private static void rollbackQuietly(Statement s) {
        try {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction left to roll back
        }
    }
}
