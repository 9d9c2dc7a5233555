package org.miroir.dr.witness;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientSSLOptions;

import java.net.URI;
import java.time.Duration;

/** Talks to the witness: every call bounded by {@code timeout}; a 409 is an answer (another site holds the lease). */
public final class WitnessClient {
    private final HttpClient http;
    private final URI base;
    private final Duration timeout;

    public WitnessClient(Vertx vertx, URI base, Duration timeout, ClientSSLOptions tls) {
        this.base = base;
        this.timeout = timeout;
        HttpClientOptions o = new HttpClientOptions().setConnectTimeout((int) timeout.toMillis()).setKeepAlive(true);
        if ("https".equals(base.getScheme())) {
            o.setSsl(true);
            if (tls != null) o.setTrustOptions(tls.getTrustOptions()).setKeyCertOptions(tls.getKeyCertOptions());
        }
        this.http = vertx.createHttpClient(o, new PoolOptions().setHttp1MaxSize(2));
    }

    /** An answer of the witness: the lease, and whether the asking site holds it. */
    public record Answer(Lease lease, boolean granted) {}

    public Future<Answer> read() {
        return call(HttpMethod.GET, "/v1/lease", null);
    }

    public Future<Answer> acquire(String site, long knownEpoch, Duration duration) {
        return call(HttpMethod.POST, "/v1/lease", new JsonObject().put("site", site).put("epoch", knownEpoch)
                .put("durationMillis", duration.toMillis()));
    }

    public Future<Answer> renew(String site, long knownEpoch, Duration duration) {
        return call(HttpMethod.POST, "/v1/lease/renew", new JsonObject().put("site", site).put("epoch", knownEpoch)
                .put("durationMillis", duration.toMillis()));
    }

    public Future<Answer> release(String site, long knownEpoch) {
        return call(HttpMethod.POST, "/v1/lease/release", new JsonObject().put("site", site).put("epoch", knownEpoch));
    }

    private Future<Answer> call(HttpMethod method, String path, JsonObject body) {
        int port = base.getPort() != -1 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
        RequestOptions o = new RequestOptions().setMethod(method).setHost(base.getHost()).setPort(port)
                .setURI(path).setTimeout(timeout.toMillis());
        return http.request(o)
                .compose(rq -> body == null ? rq.send() : rq.putHeader("Content-Type", "application/json")
                        .send(Buffer.buffer(body.encode())))
                .compose(rsp -> rsp.body().map(b -> {
                    if (rsp.statusCode() != 200 && rsp.statusCode() != 409)
                        throw new IllegalStateException("witness answered " + rsp.statusCode() + ": " + b);
                    return new Answer(Lease.fromJson(b.toJsonObject()), rsp.statusCode() == 200);
                }));
    }

    public Future<Void> close() {
        return http.close();
    }
}
