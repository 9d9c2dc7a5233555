package org.miroir.server.storage;

import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import org.miroir.storage.StorageException;
import org.miroir.storage.object.DigestMismatchException;
import org.miroir.storage.object.ObjectNotFoundException;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Times the calls of one store (metadata or objects) of one driver, by call, and counts those that fail, by kind of
 * failure: {@code unavailable} (the store cannot serve: StorageException), {@code invalid} (a request it refused),
 * {@code not_found}, {@code digest_mismatch}, {@code io} (another I/O error), {@code other}.
 */
final class CallMeter {
    /** A blocking store call. */
    interface Call<T, E extends Exception> {
        T run() throws E;
    }

    private final String store;
    private final String driver;
    private final Histogram durations;
    private final Counter errors;

    /** @param durations labels store, driver, call; @param errors labels store, driver, call, error */
    CallMeter(String store, String driver, Histogram durations, Counter errors) {
        this.store = store;
        this.driver = driver;
        this.durations = durations;
        this.errors = errors;
    }

    <T, E extends Exception> T sync(String call, Call<T, E> c) throws E {
        long t0 = System.nanoTime();
        try {
            return c.run();
        } catch (Exception e) {
            failed(call, e);
            throw e;
        } finally {
            took(call, t0);
        }
    }

    /** Times {@code c}'s stage until it completes; a call that throws instead counts as failed too. */
    <T> CompletionStage<T> async(String call, Supplier<CompletionStage<T>> c) {
        long t0 = System.nanoTime();
        CompletionStage<T> stage;
        try {
            stage = c.get();
        } catch (RuntimeException e) {
            failed(call, e);
            took(call, t0);
            throw e;
        }
        return stage.whenComplete((v, t) -> {
            if (t != null) failed(call, t);
            took(call, t0);
        });
    }

    void failed(String call, Throwable t) {
        failed(call, kind(t));
    }

    void failed(String call, String kind) {
        errors.labels(store, driver, call, kind).inc();
    }

    private void took(String call, long t0) {
        durations.labels(store, driver, call).observe((System.nanoTime() - t0) / 1e9);
    }

    static String kind(Throwable t) {
        if (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        if (t instanceof StorageException) return "unavailable";
        if (t instanceof IllegalArgumentException) return "invalid";
        if (t instanceof ObjectNotFoundException) return "not_found";
        if (t instanceof DigestMismatchException) return "digest_mismatch";
        if (t instanceof IOException) return "io";
        return "other";
    }
}
