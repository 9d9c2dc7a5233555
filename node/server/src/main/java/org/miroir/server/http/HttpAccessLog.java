package org.miroir.server.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.miroir.server.logging.AccessLog;

import java.util.logging.Level;

/**
 * The HTTP part of the access log: one line for every DICOMweb (and WADO-URI) request and every admin call, with the
 * remote address, method, route template, the study, series and instance it names, status, bytes sent and duration.
 * Never the query string: QIDO-RS matching keys may hold patient names and IDs. Health checks and scrapes are not
 * logged (a load balancer asks every second).
 */
public final class HttpAccessLog implements Handler<RoutingContext> {
    @Override
    public void handle(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (path.startsWith("/health/") || path.equals("/metrics")) {
            rc.next();
            return;
        }
        long t0 = System.nanoTime();
        rc.addBodyEndHandler(v -> {
            int status = rc.response().getStatusCode();
            boolean wado = path.equals("/wado");
            AccessLog.entry("http").with("remote", String.valueOf(rc.request().remoteAddress()))
                    .with("method", rc.request().method().name())
                    .with("route", rc.currentRoute() == null || rc.currentRoute().getPath() == null ? "unmatched"
                            : rc.currentRoute().getPath())
                    .with("studyUid", wado ? rc.queryParams().get("studyUID") : rc.pathParam("study"))
                    .with("seriesUid", wado ? rc.queryParams().get("seriesUID") : rc.pathParam("series"))
                    .with("sopInstanceUid", wado ? rc.queryParams().get("objectUID") : rc.pathParam("instance"))
                    .with("status", status).with("bytes", rc.response().bytesWritten())
                    .durationNanos(System.nanoTime() - t0).log(status >= 500 ? Level.WARNING : Level.INFO);
        });
        rc.next();
    }
}
