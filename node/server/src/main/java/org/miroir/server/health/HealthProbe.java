package org.miroir.server.health;

import io.vertx.core.Vertx;
import org.miroir.server.NodeContext;
import org.miroir.server.metrics.NodeMetrics;

/**
 * Keeps the metrics that need a question to a store current, every {@value #PERIOD_MILLIS} ms: readiness
 * ({@code miroir_node_ready}, also set by every {@code /health/ready}) and the object store's capacity. A round still
 * under way when the next is due (a store that hangs until its timeout) makes that one skip.
 */
public final class HealthProbe {
    static final long PERIOD_MILLIS = 10_000;

    private final NodeContext node;
    private final Vertx vertx;
    private final NodeMetrics metrics;
    private long timer = -1;
    /** Set on the timer's event loop, cleared on whatever thread the round ends. */
    private volatile boolean busy;

    public HealthProbe(NodeContext node) {
        this.node = node;
        this.vertx = node.vertx();
        this.metrics = node.metrics();
    }

    public void start() {
        probe();
        timer = vertx.setPeriodic(PERIOD_MILLIS, id -> probe());
    }

    private void probe() {
        if (busy) return;
        busy = true;
        Readiness.check(node)
                .onSuccess(r -> metrics.ready.set(r.ready() ? 1 : 0))
                // Failures are counted by the metered store (miroir_storage_call_errors_total, call capacity).
                .compose(r -> vertx.executeBlocking(() -> node.storage().objects().capacity(), false))
                .onSuccess(c -> c.ifPresent(metrics.capacity::update))
                .onComplete(ar -> busy = false);
    }

    public void stop() {
        if (timer != -1) vertx.cancelTimer(timer);
    }
}
