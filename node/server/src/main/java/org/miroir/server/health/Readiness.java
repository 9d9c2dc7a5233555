package org.miroir.server.health;

import io.vertx.core.Future;
import org.miroir.server.NodeContext;
import org.miroir.storage.Health;

import java.util.concurrent.TimeUnit;

/**
 * Whether the node takes traffic: not draining, metadata and object stores reachable. What {@code /health/ready}
 * answers and {@code miroir_node_ready} shows. A mirror is ready: it serves reads (whether it takes writes is its site
 * role).
 */
public record Readiness(boolean draining, Health metadata, Health objects) {
    private static final long CHECK_TIMEOUT_MILLIS = 3000;

    public boolean ready() {
        return !draining && metadata.up() && objects.up();
    }

    /** Asks both stores (each bounded by a timeout), unless the node drains. */
    public static Future<Readiness> check(NodeContext node) {
        if (node.state().draining()) {
            Health skipped = Health.down("draining");
            return Future.succeededFuture(new Readiness(true, skipped, skipped));
        }
        Future<Health> metadata = Future.fromCompletionStage(node.storage().metadata().health())
                .timeout(CHECK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .otherwise(t -> Health.down("no answer: " + t.getMessage()));
        Future<Health> objects = node.vertx().executeBlocking(() -> node.storage().objects().health(), false)
                .timeout(CHECK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .otherwise(t -> Health.down("no answer: " + t.getMessage()));
        return Future.all(metadata, objects).transform(ar ->
                Future.succeededFuture(new Readiness(false, metadata.result(), objects.result())));
    }
}
