package org.miroir.server.dimse;

import io.prometheus.client.Counter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/** Passes buffers through to a stream and counts their bytes (the retrieved-bytes metric). */
final class CountingWriteStream implements WriteStream<Buffer> {
    private final WriteStream<Buffer> out;
    private final Counter bytes;

    CountingWriteStream(WriteStream<Buffer> out, Counter bytes) {
        this.out = out;
        this.bytes = bytes;
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        out.exceptionHandler(handler);
        return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
        bytes.inc(data.length());
        return out.write(data);
    }

    @Override
    public Future<Void> end() {
        return out.end();
    }

    @Override
    public Future<Void> end(Buffer data) {
        bytes.inc(data.length());
        return out.end(data);
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        out.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return out.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        out.drainHandler(handler);
        return this;
    }
}
