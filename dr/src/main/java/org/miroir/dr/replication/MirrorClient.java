package org.miroir.dr.replication;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The shipper's side of the {@link Protocol}: HTTPS to the mirror's receivers (tried in turn: a receiver that cannot
 * be reached passes the call to the next), client certificate presented, the receiver's certificate checked. Blocking;
 * every call bounded. Objects stream from the object store, never held whole.
 */
public final class MirrorClient {
    /** The slowest transfer rate tolerated before a shipment is abandoned (and retried): 1 MB/s. */
    private static final long MIN_BYTES_PER_SECOND = 1_000_000;

    private final List<URI> peers;
    private final String site;
    private final HttpClient http;
    private final Duration timeout;
    private volatile int current;

    /** A reply of the mirror: its status code and body. */
    public record Reply(int status, String body) {
        public boolean ok() { return status == 200; }
    }

    public MirrorClient(List<URI> peers, String site, SSLContext tls, Duration timeout) {
        if (peers.isEmpty()) throw new IllegalArgumentException("site.peers: the mirror's receivers are required");
        this.peers = List.copyOf(peers);
        this.site = site;
        this.timeout = timeout;
        SSLParameters params = tls.getDefaultSSLParameters();
        params.setProtocols(ReplicationTls.protocols());
        this.http = HttpClient.newBuilder().sslContext(tls).sslParameters(params).connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Ships one object: {@code body} opens its bytes (called again when the call moves to another receiver). */
    public Reply putObject(String key, long size, String sha256, Instant storedAt, boolean repair, long epoch,
            Supplier<InputStream> body) throws IOException {
        Duration t = timeout.plusSeconds(size / MIN_BYTES_PER_SECOND);
        return call(peer -> HttpRequest.newBuilder(peer.resolve(Protocol.OBJECTS + key)).timeout(t)
                .header(Protocol.SITE, site).header(Protocol.EPOCH, Long.toString(epoch))
                .header(Protocol.SHA256, sha256).header(Protocol.STORED_AT, Long.toString(storedAt.toEpochMilli()))
                .header(Protocol.REPAIR, Boolean.toString(repair))
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body), size))
                .build());
    }

    public Reply postChanges(JsonArray changes, long epoch) throws IOException {
        return postJson(Protocol.CHANGES, changes.encode(), epoch);
    }

    public Reply verify(JsonArray items, long epoch) throws IOException {
        return postJson(Protocol.VERIFY, new JsonObject().put("items", items).encode(), epoch);
    }

    private Reply postJson(String path, String json, long epoch) throws IOException {
        return call(peer -> HttpRequest.newBuilder(peer.resolve(path)).timeout(timeout.multipliedBy(4))
                .header(Protocol.SITE, site).header(Protocol.EPOCH, Long.toString(epoch))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private interface RequestFor {
        HttpRequest to(URI peer);
    }

    /** Sends to the current receiver; one that cannot be reached hands the call to the next, each tried once. */
    private Reply call(RequestFor request) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < peers.size(); attempt++) {
            int i = current;
            try {
                HttpResponse<String> rsp = http.send(request.to(peers.get(i)), HttpResponse.BodyHandlers.ofString());
                return new Reply(rsp.statusCode(), rsp.body());
            } catch (ConnectException | HttpConnectTimeoutException e) {
                last = e;
                current = (i + 1) % peers.size();
            } catch (HttpTimeoutException e) {
                throw new IOException("mirror " + peers.get(i) + " did not answer in time", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("no mirror receiver reachable (" + peers + "): " + last, last);
    }

    /** The receiver calls go to now (for logs). */
    public URI currentPeer() {
        return peers.get(current);
    }
}
