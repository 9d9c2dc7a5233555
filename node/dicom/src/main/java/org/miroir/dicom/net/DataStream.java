package org.miroir.dicom.net;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The data set of a C-STORE request as it arrives, one buffer per PDV. Data flows only while a handler is set and
 * there is demand; otherwise the association stops reading the socket, so nothing piles up here. Fails when the
 * association ends before the last fragment. After the service handler has answered, the rest is discarded.
 */
final class DataStream implements ReadStream<Buffer> {
    private final Association association;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private long demand = Long.MAX_VALUE;
    private boolean ended;
    private boolean endDelivered;
    private Throwable failure;
    private boolean failureDelivered;
    private boolean discarding;

    DataStream(Association association) { this.association = association; }

    /** True when the next fragment can be taken now. */
    boolean canAccept() { return discarding || (handler != null && demand > 0); }

    boolean isDone() { return ended || failure != null; }

    void push(Buffer data) {
        if (discarding) return;
        if (demand != Long.MAX_VALUE) demand--;
        handler.handle(data);
    }

    void end() {
        if (isDone()) return;
        ended = true;
        deliverEnd();
    }

    void fail(Throwable cause) {
        if (isDone()) return;
        failure = cause;
        deliverFailure();
    }

    /** The handler answered: drop whatever is still to come. */
    void discard() {
        if (discarding) return;
        discarding = true;
        association.resumeInbound();
    }

    private void deliverEnd() {
        if (ended && !endDelivered && !discarding && endHandler != null) {
            endDelivered = true;
            endHandler.handle(null);
        }
    }

    private void deliverFailure() {
        if (failure != null && !failureDelivered && exceptionHandler != null) {
            failureDelivered = true;
            exceptionHandler.handle(failure);
        }
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
        exceptionHandler = h;
        deliverFailure();
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
        handler = h;
        if (h != null) association.resumeInbound();
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
        association.resumeInbound();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        if (amount > 0) {
            demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
            association.resumeInbound();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
        endHandler = h;
        deliverEnd();
        return this;
    }
}
