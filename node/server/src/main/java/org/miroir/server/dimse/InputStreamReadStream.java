package org.miroir.server.dimse;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A blocking InputStream (an object from the ObjectStore) as a Vert.x ReadStream: one chunk is read at a time on a
 * worker thread, and only while there is demand, so a slow peer holds at most one chunk in heap. Closes the input
 * at its end or on failure; {@link #close()} for a consumer that stops early.
 */
final class InputStreamReadStream implements ReadStream<Buffer> {
    private static final int CHUNK = 64 * 1024;

    private final Vertx vertx;
    private final Context context;
    private final InputStream in;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private long demand = Long.MAX_VALUE;
    private boolean reading;
    private boolean done;

    /** Call on the event loop that consumes the stream. */
    InputStreamReadStream(Vertx vertx, InputStream in) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.in = in;
    }

    private void readNext() {
        if (reading || done || demand == 0 || handler == null) return;
        reading = true;
        vertx.executeBlocking(() -> {
            byte[] b = new byte[CHUNK];
            int n = in.readNBytes(b, 0, CHUNK);
            return n == 0 ? null : Buffer.buffer(n == CHUNK ? b : Arrays.copyOf(b, n));
        }, true).onComplete(ar -> {
            reading = false;
            if (done) return;
            if (ar.failed()) {
                close();
                if (exceptionHandler != null) exceptionHandler.handle(ar.cause());
            } else if (ar.result() == null) {
                close();
                if (endHandler != null) endHandler.handle(null);
            } else {
                if (demand != Long.MAX_VALUE) demand--;
                handler.handle(ar.result());
                readNext();
            }
        });
    }

    /** Stops reading and closes the input (idempotent). */
    void close() {
        if (done) return;
        done = true;
        vertx.executeBlocking(() -> {
            try {
                in.close();
            } catch (IOException e) {
                // nothing was being written: a failed close loses nothing
            }
            return null;
        }, false);
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
        exceptionHandler = h;
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
        handler = h;
        context.runOnContext(v -> readNext());
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        demand = 0;
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        demand = Long.MAX_VALUE;
        context.runOnContext(v -> readNext());
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        if (amount > 0) {
            demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
            context.runOnContext(v -> readNext());
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
        endHandler = h;
        return this;
    }
}
