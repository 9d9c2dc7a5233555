package org.miroir.dicom.net;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An OutputStream for a worker thread that hands chunks to a {@link WriteStream} on its event loop, so blocking
 * encoders (transcoding, bulk data read from files) can stream into an association. At most {@link #IN_FLIGHT}
 * chunks are queued; the writer blocks (bounded by {@link #TIMEOUT_SECONDS}) while the stream's queue is full.
 */
final class EventLoopOutputStream extends OutputStream {
    static final int CHUNK = 128 * 1024;
    static final int IN_FLIGHT = 4;
    static final long TIMEOUT_SECONDS = 60;

    /** Blocking work that writes into the stream. */
    interface Body {
        void write(EventLoopOutputStream out) throws Exception;
    }

    private final Context context;
    private final WriteStream<Buffer> out;
    private final Semaphore permits = new Semaphore(IN_FLIGHT);
    private volatile Throwable failure;
    private byte[] chunk = new byte[CHUNK];
    private int pos;
    private int waitingForDrain; // event loop only

    private EventLoopOutputStream(Context context, WriteStream<Buffer> out) {
        this.context = context;
        this.out = out;
    }

    /** Runs {@code body} on a worker thread writing into {@code out}, then ends {@code out} on the event loop. */
    static Future<Void> writeOnWorker(Vertx vertx, WriteStream<Buffer> out, Body body) {
        Context ctx = vertx.getOrCreateContext();
        EventLoopOutputStream os = new EventLoopOutputStream(ctx, out);
        Promise<Void> done = Promise.promise();
        vertx.executeBlocking(() -> {
            body.write(os);
            os.flushChunk();
            os.awaitAll();
            return null;
        }, false).onComplete(ar -> {
            if (ar.failed()) done.fail(ar.cause());
            else out.end().onComplete(done);
        });
        return done.future();
    }

    @Override
    public void write(int b) throws IOException {
        if (pos == CHUNK) flushChunk();
        chunk[pos++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (pos == CHUNK) flushChunk();
            int n = Math.min(len, CHUNK - pos);
            System.arraycopy(b, off, chunk, pos, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    /** Copies what remains of {@code in} into the stream, read straight into the chunks (no intermediate copy). */
    void transferFrom(ReadableByteChannel in) throws IOException {
        while (true) {
            if (pos == CHUNK) flushChunk();
            int n = in.read(ByteBuffer.wrap(chunk, pos, CHUNK - pos));
            if (n < 0) return;
            pos += n;
        }
    }

    private void flushChunk() throws IOException {
        if (pos == 0) return;
        acquire(1);
        Buffer data = Buffer.buffer(pos == CHUNK ? chunk : java.util.Arrays.copyOf(chunk, pos));
        chunk = new byte[CHUNK];
        pos = 0;
        context.runOnContext(v -> {
            out.write(data).onFailure(e -> failure = e);
            if (out.writeQueueFull()) {
                waitingForDrain++;
                out.drainHandler(x -> {
                    permits.release(waitingForDrain);
                    waitingForDrain = 0;
                });
            } else {
                permits.release();
            }
        });
    }

    private void awaitAll() throws IOException {
        acquire(IN_FLIGHT);
        permits.release(IN_FLIGHT);
    }

    private void acquire(int n) throws IOException {
        if (failure != null) throw new IOException("association failed", failure);
        try {
            if (!permits.tryAcquire(n, TIMEOUT_SECONDS, TimeUnit.SECONDS))
                throw new IOException("peer did not read for " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
        if (failure != null) {
            permits.release(n);
            throw new IOException("association failed", failure);
        }
    }
}
