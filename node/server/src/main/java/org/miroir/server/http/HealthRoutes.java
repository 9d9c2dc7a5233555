package org.miroir.server.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.miroir.server.NodeContext;
import org.miroir.storage.Health;

import java.util.concurrent.TimeUnit;

/**
 * {@code /health/live} (the process serves HTTP) and {@code /health/ready} (not draining, metadata and object stores
 * reachable: a load balancer should send traffic), and {@code /metrics} in Prometheus text format.
 */
public final class HealthRoutes {
    private static final long CHECK_TIMEOUT_MILLIS = 3000;

    private HealthRoutes() {}

    public static void mount(Router router, NodeContext node) {
        router.get("/health/live").handler(rc -> rc.json(new JsonObject().put("status", "UP")));
        router.get("/health/ready").handler(rc -> ready(rc, node));
        router.get("/metrics").handler(rc -> node.vertx()
                .executeBlocking(() -> node.metrics().scrape(), false)
                .onSuccess(text -> rc.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(text))
                .onFailure(rc::fail));
    }

    private static void ready(RoutingContext rc, NodeContext node) {
        if (node.state().draining()) {
            // Not ready from the first moment of a drain, so the load balancer stops sending new work here.
            rc.response().setStatusCode(503);
            rc.json(new JsonObject().put("status", "DRAINING"));
            return;
        }
        Future<Health> metadata = Future.fromCompletionStage(node.storage().metadata().health())
                .timeout(CHECK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .otherwise(t -> Health.down("no answer: " + t.getMessage()));
        Future<Health> objects = node.vertx().executeBlocking(() -> node.storage().objects().health(), false)
                .timeout(CHECK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .otherwise(t -> Health.down("no answer: " + t.getMessage()));
        Future.all(metadata, objects).onComplete(ar -> {
            Health m = metadata.result(), o = objects.result();
            boolean up = m.up() && o.up();
            rc.response().setStatusCode(up ? 200 : 503);
            // A mirror is ready: it serves reads. Whether it takes writes is its site role.
            rc.json(new JsonObject().put("status", up ? "UP" : "DOWN")
                    .put("siteRole", node.dr().role().name()).put("writable", node.dr().writesAllowed())
                    .put("metadata", new JsonObject().put("up", m.up()).put("detail", m.detail()))
                    .put("objects", new JsonObject().put("up", o.up()).put("detail", o.detail())));
        });
    }
}
