package org.miroir.cluster.jobs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A job that runs a task every {@code interval} while this member owns it; one run at a time, a run in progress
 * finishes before {@link #stop()} completes.
 */
public final class PeriodicJob implements ClusterJob {
    private static final System.Logger LOG = System.getLogger(PeriodicJob.class.getName());

    private final String name;
    private final Vertx vertx;
    private final Duration interval;
    private final Supplier<Future<?>> task;
    private final JobRuns runs;
    private long timer = -1;
    private Future<?> running = Future.succeededFuture();

    /** {@code runs} counts each run's outcome (the job-run metrics). */
    public PeriodicJob(String name, Vertx vertx, Duration interval, Supplier<Future<?>> task, JobRuns runs) {
        if (interval.toMillis() < 1) throw new IllegalArgumentException("interval must be positive");
        this.name = name;
        this.vertx = vertx;
        this.interval = interval;
        this.task = task;
        this.runs = runs;
    }

    /** What a job's runs are counted by. */
    @FunctionalInterface
    public interface JobRuns {
        void ran(String job, boolean succeeded, Duration took);
    }

    @Override
    public String name() { return name; }

    @Override
    public synchronized void start() {
        if (timer != -1) return;
        timer = vertx.setPeriodic(interval.toMillis(), id -> runOnce());
    }

    /** Runs the task now unless a run is in progress; completes when that run completes. */
    public synchronized Future<?> runOnce() {
        if (!running.isComplete()) return running;
        long t0 = System.nanoTime();
        Future<?> f;
        try {
            f = task.get();
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        running = f.onComplete(ar -> {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            if (ar.failed()) LOG.log(Level.WARNING, "job {0} failed after {1} ms: {2}", name, took.toMillis(),
                    String.valueOf(ar.cause()));
            runs.ran(name, ar.succeeded(), took);
        });
        return running;
    }

    @Override
    public synchronized Future<Void> stop() {
        if (timer != -1) vertx.cancelTimer(timer);
        timer = -1;
        Promise<Void> stopped = Promise.promise();
        running.onComplete(ar -> stopped.complete());
        return stopped.future();
    }
}
