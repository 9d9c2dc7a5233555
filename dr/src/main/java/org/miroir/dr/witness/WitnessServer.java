package org.miroir.dr.witness;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.System.Logger.Level;
import java.util.concurrent.Callable;

/**
 * The witness over HTTP (HTTPS when given key material):
 * <ul>
 *   <li>{@code GET /v1/lease}: the lease now;</li>
 *   <li>{@code POST /v1/lease} {@code {"site", "epoch", "durationMillis"}}: acquire (or share, for a node of the
 *       holding site); 200 with the lease when the site holds it after the request, 409 with the lease otherwise;</li>
 *   <li>{@code POST /v1/lease/renew}, the same body: renew only, never take (200, or 409);</li>
 *   <li>{@code POST /v1/lease/release} {@code {"site", "epoch"}}: the holder gives it up (200, or 409);</li>
 *   <li>{@code GET /health}, {@code GET /metrics}.</li>
 * </ul>
 * Decisions are taken one at a time on a worker thread (they may fsync), in arrival order. Bad requests get 400.
 */
public final class WitnessServer {
    private static final System.Logger LOG = System.getLogger(WitnessServer.class.getName());
    private static final long MAX_BODY = 4096;

    private final Vertx vertx;
    private final LeaseBook book;
    private final CollectorRegistry registry = new CollectorRegistry(true);
    private final Counter requests = Counter.build("miroir_witness_requests_total",
            "Lease requests, by kind and outcome (granted, refused, invalid, failed).")
            .labelNames("kind", "outcome").register(registry);
    private final Gauge epoch = Gauge.build("miroir_witness_epoch", "The current fencing epoch.").register(registry);
    private final Gauge held = Gauge.build("miroir_witness_lease_remaining_seconds",
            "How long the site lease still runs (0: expired or not held), by holder.").labelNames("site")
            .register(registry);
    private HttpServer server;
    private String lastHolder;

    public WitnessServer(Vertx vertx, LeaseBook book) {
        this.vertx = vertx;
        this.book = book;
    }

    public Future<Integer> listen(String host, int port, ServerSSLOptions tls) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
        router.get("/v1/lease").handler(rc -> decide(rc, "read", () -> new LeaseBook.Decision(book.current(), true)));
        router.post("/v1/lease").handler(rc -> {
            JsonObject b = body(rc);
            if (b != null) decide(rc, "acquire", () -> book.acquire(b.getString("site"), number(b, "epoch"),
                    number(b, "durationMillis")));
        });
        router.post("/v1/lease/renew").handler(rc -> {
            JsonObject b = body(rc);
            if (b != null) decide(rc, "renew", () -> book.renew(b.getString("site"), number(b, "epoch"),
                    number(b, "durationMillis")));
        });
        router.post("/v1/lease/release").handler(rc -> {
            JsonObject b = body(rc);
            if (b != null) decide(rc, "release", () -> book.release(b.getString("site"), number(b, "epoch")));
        });
        router.get("/health").handler(rc -> rc.json(new JsonObject().put("status", "UP")));
        router.get("/metrics").handler(rc -> decide(rc, null, () -> null));
        HttpServerOptions o = new HttpServerOptions().setHost(host).setPort(port).setIdleTimeout(60);
        if (tls != null) o.setSsl(true).setKeyCertOptions(tls.getKeyCertOptions()).setClientAuth(tls.getClientAuth())
                .setTrustOptions(tls.getTrustOptions());
        server = vertx.createHttpServer(o).requestHandler(router);
        return server.listen().map(HttpServer::actualPort);
    }

    private static long number(JsonObject b, String key) {
        Object v = b.getValue(key);
        if (!(v instanceof Number n) || n.doubleValue() != n.longValue())
            throw new IllegalArgumentException(key + " must be an integer");
        return n.longValue();
    }

    private static JsonObject body(RoutingContext rc) {
        try {
            JsonObject j = rc.body().asJsonObject();
            if (j != null) return j;
        } catch (DecodeException | ClassCastException e) {
            // answered below
        }
        rc.response().setStatusCode(400).end(new JsonObject().put("error", "the body must be a JSON object").encode());
        return null;
    }

    /** Runs one decision on the ordered worker queue; {@code kind} null is a metrics scrape. */
    private void decide(RoutingContext rc, String kind, Callable<LeaseBook.Decision> decision) {
        vertx.executeBlocking(() -> {
            if (kind == null) return null;
            LeaseBook.Decision d = decision.call();
            observe(d.lease());
            return d;
        }, true).onComplete(ar -> {
            if (kind == null) {
                rc.response().putHeader("Content-Type", TextFormat.CONTENT_TYPE_004).end(scrape());
                return;
            }
            if (ar.failed()) {
                boolean invalid = ar.cause() instanceof IllegalArgumentException;
                requests.labels(kind, invalid ? "invalid" : "failed").inc();
                if (!invalid) LOG.log(Level.ERROR, "witness decision failed", ar.cause());
                rc.response().setStatusCode(invalid ? 400 : 500)
                        .end(new JsonObject().put("error", String.valueOf(ar.cause().getMessage())).encode());
                return;
            }
            LeaseBook.Decision d = ar.result();
            requests.labels(kind, d.granted() ? "granted" : "refused").inc();
            rc.response().setStatusCode(d.granted() ? 200 : 409).putHeader("Content-Type", "application/json")
                    .end(d.lease().toJson().encode());
        });
    }

    private synchronized void observe(Lease lease) {
        epoch.set(lease.epoch());
        if (lastHolder != null && !lastHolder.equals(lease.holder())) held.labels(lastHolder).set(0);
        if (lease.holder() != null) held.labels(lease.holder()).set(lease.remainingMillis() / 1000.0);
        if (lease.holder() != null && !lease.holder().equals(lastHolder))
            LOG.log(Level.INFO, "lease granted to site {0} under epoch {1}", lease.holder(), lease.epoch());
        lastHolder = lease.holder();
    }

    private String scrape() {
        observe(book.current());
        StringWriter w = new StringWriter();
        try {
            TextFormat.write004(w, registry.metricFamilySamples());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
