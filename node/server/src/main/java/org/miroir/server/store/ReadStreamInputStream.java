package org.miroir.server.store;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Bridges a Vert.x ReadStream (fed on an event loop) to a blocking InputStream (read on a worker thread).
 * At most {@code maxBuffered} bytes wait in between: beyond that the stream is paused, which pauses the socket.
 * A read that waits longer than {@code stallTimeoutMillis} for data fails, so a stalled peer never pins a worker.
 */
public final class ReadStreamInputStream extends InputStream {
    private final ReadStream<Buffer> stream;
    private final Context context;
    private final long maxBuffered;
    private final long stallTimeoutMillis;
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private long buffered;
    private boolean paused;
    private boolean ended;
    private Throwable failure;
    private Buffer current;
    private int pos;

    public ReadStreamInputStream(ReadStream<Buffer> stream, Context context, long maxBuffered, long stallTimeoutMillis) {
        this.stream = stream;
        this.context = context;
        this.maxBuffered = maxBuffered;
        this.stallTimeoutMillis = stallTimeoutMillis;
        stream.exceptionHandler(this::onFailure);
        stream.endHandler(v -> onEnd());
        stream.handler(this::onData);
    }

    private synchronized void onData(Buffer b) {
        queue.add(b);
        buffered += b.length();
        if (buffered >= maxBuffered && !paused) {
            paused = true;
            stream.pause();
        }
        notifyAll();
    }

    private synchronized void onEnd() {
        ended = true;
        notifyAll();
    }

    private synchronized void onFailure(Throwable t) {
        failure = t;
        notifyAll();
    }

    private synchronized boolean nextBuffer() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(stallTimeoutMillis);
        while (queue.isEmpty()) {
            if (failure != null) throw new PeerStreamException("data set stream failed: " + failure.getMessage(), failure);
            if (ended) return false;
            long waitMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (waitMillis <= 0) throw new PeerStreamException("no data for " + stallTimeoutMillis + " ms", null);
            try {
                wait(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
        }
        current = queue.poll();
        pos = 0;
        buffered -= current.length();
        if (paused && buffered < maxBuffered / 2) {
            paused = false;
            context.runOnContext(v -> stream.resume());
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (current == null || pos >= current.length()) {
            if (!nextBuffer()) return -1;
        }
        int n = Math.min(len, current.length() - pos);
        current.getBytes(pos, pos + n, b, off);
        pos += n;
        return n;
    }

    /** The peer stopped sending (association ended or stalled): the input's fault, not the storage's. */
    public static final class PeerStreamException extends IOException {
        private static final long serialVersionUID = 1L;

        PeerStreamException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
