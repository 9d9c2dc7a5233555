package org.miroir.server.web;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;

/**
 * Streams blocking sources (object store reads, per-instance JSON) into an HTTP response: each chunk is produced on
 * a worker thread and written from the event loop; while the response's write queue is full the next chunk waits
 * for its drain, so a slow client holds at most one chunk plus the queue, never a whole study.
 */
final class Pump {
    static final int CHUNK = 256 * 1024;

    /** Produces the next chunk on a worker thread; null at the end. */
    @FunctionalInterface
    interface Source {
        Buffer next() throws Exception;
    }

    private Pump() {}

    /** Copies every chunk of {@code source} into {@code out}; completes with the byte count. */
    static Future<Long> copy(Vertx vertx, Source source, HttpServerResponse out) {
        Promise<Long> done = Promise.promise();
        step(vertx, source, out, done, 0);
        return done.future();
    }

    private static void step(Vertx vertx, Source source, HttpServerResponse out, Promise<Long> done, long total) {
        if (out.closed()) {
            done.fail(new IOException("client closed the connection"));
            return;
        }
        vertx.executeBlocking(source::next, false).onComplete(ar -> {
            if (ar.failed()) {
                done.fail(ar.cause());
                return;
            }
            Buffer b = ar.result();
            if (b == null) {
                done.complete(total);
                return;
            }
            long sent = total + b.length();
            out.write(b);
            if (out.writeQueueFull()) out.drainHandler(v -> {
                out.drainHandler(null);
                step(vertx, source, out, done, sent);
            });
            else step(vertx, source, out, done, sent);
        });
    }

    /** Copies a stream opened on a worker thread, closing it at the end or on failure. */
    static Future<Long> copy(Vertx vertx, Callable<InputStream> open, HttpServerResponse out) {
        return vertx.executeBlocking(open, false).compose(in -> copy(vertx, chunks(in), out)
                .andThen(ar -> vertx.executeBlocking(() -> {
                    in.close();
                    return null;
                }, false)));
    }

    /** Chunks of at most {@link #CHUNK} bytes, filled as far as the stream allows. */
    static Source chunks(InputStream in) {
        return () -> {
            byte[] b = new byte[CHUNK];
            int n = 0;
            for (int r; n < b.length && (r = in.read(b, n, b.length - n)) >= 0; ) n += r;
            return n == 0 ? null : Buffer.buffer(n == b.length ? b : java.util.Arrays.copyOf(b, n));
        };
    }
}
