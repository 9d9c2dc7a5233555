package org.miroir.storage.embedded;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.PreparedStatement;
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
    private final PreparedStatement begin, commit, rollback, savepoint, release, rollbackToSavepoint;
    private final ArrayBlockingQueue<Task<?>> queue;
    private final int maxBatch;
    private final Thread thread;
    private final Runnable afterBatch;
    private volatile boolean closing;

    GroupCommitWriter(Connection conn, int queueCapacity, int maxBatch, Runnable afterBatch) throws SQLException {
        this.conn = conn;
        // Prepared once: re-preparing these per item showed up in profiles.
        this.begin = conn.prepareStatement("BEGIN IMMEDIATE");
        this.commit = conn.prepareStatement("COMMIT");
        this.rollback = conn.prepareStatement("ROLLBACK");
        this.savepoint = conn.prepareStatement("SAVEPOINT item");
        this.release = conn.prepareStatement("RELEASE item");
        this.rollbackToSavepoint = conn.prepareStatement("ROLLBACK TO item");
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
        try {
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
        } catch (Throwable t) {
            // An Error (out of memory...) stops the writer: nobody may wait for a commit that will never come.
            closing = true;
            LOG.log(System.Logger.Level.ERROR, "index writer stopped", t);
            StorageException stopped = new StorageException("index writer stopped: " + t, t);
            batch.forEach(task -> task.fail(stopped));
            for (Task<?> task; (task = queue.poll()) != null; ) task.fail(stopped);
            throw t;
        }
    }

    private void commit(List<Task<?>> batch) {
        List<Runnable> completions = new ArrayList<>(batch.size());
        try {
            begin.execute();
            try {
                for (Task<?> t : batch) run(t, completions);
                commit.execute();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
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

    private <T> void run(Task<T> t, List<Runnable> completions) throws SQLException {
        savepoint.execute();
        T result;
        try {
            result = t.work().run(conn);
        } catch (SQLException | RuntimeException e) {
            // If SQLite already rolled the whole transaction back (I/O error, disk full), ROLLBACK TO fails
            // and the batch fails as a whole: nothing of it can have been written.
            rollbackToSavepoint.execute();
            release.execute();
            t.fail(e instanceof SQLException ? new StorageException("index write failed: " + e.getMessage(), e) : e);
            return;
        }
        release.execute();
        completions.add(() -> t.future().complete(result));
    }

    private void rollbackQuietly() {
        try {
            rollback.execute();
        } catch (SQLException ignored) {
            // no transaction left to roll back
        }
    }
}
