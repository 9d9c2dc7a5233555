package org.miroir.server.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.miroir.server.NodeContext;
import org.miroir.server.health.Readiness;

/**
 * {@code /health/live} (the process serves HTTP) and {@code /health/ready} (not draining, metadata and object stores
 * reachable: a load balancer should send traffic), and {@code /metrics} in Prometheus text format.
 */
public final class HealthRoutes {
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
        Readiness.check(node).onSuccess(r -> {
            node.metrics().ready.set(r.ready() ? 1 : 0);
            rc.response().setStatusCode(r.ready() ? 200 : 503);
            // Not ready from the first moment of a drain, so the load balancer stops sending new work here.
            if (r.draining()) {
                rc.json(new JsonObject().put("status", "DRAINING"));
                return;
            }
            rc.json(new JsonObject().put("status", r.ready() ? "UP" : "DOWN")
                    .put("siteRole", node.dr().role().name()).put("writable", node.dr().writesAllowed())
                    .put("metadata", new JsonObject().put("up", r.metadata().up()).put("detail", r.metadata().detail()))
                    .put("objects", new JsonObject().put("up", r.objects().up()).put("detail", r.objects().detail())));
        });
    }
}
