package org.miroir.server.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.miroir.server.metrics.NodeMetrics;

/** Times every HTTP request by its route template (never the raw path, which holds UIDs), method and status. */
public final class HttpMetrics implements Handler<RoutingContext> {
    private final NodeMetrics metrics;

    public HttpMetrics(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext rc) {
        long t0 = System.nanoTime();
        rc.addBodyEndHandler(v -> {
            String route = rc.currentRoute() == null || rc.currentRoute().getPath() == null
                    ? "unmatched" : rc.currentRoute().getPath();
            metrics.httpDuration.labels(route, rc.request().method().name(),
                    Integer.toString(rc.response().getStatusCode())).observe((System.nanoTime() - t0) / 1e9);
        });
        rc.next();
    }
}
