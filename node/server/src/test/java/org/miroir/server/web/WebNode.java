package org.miroir.server.web;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.server.Node;
import org.miroir.server.config.NodeConfig;
import org.miroir.server.web.multipart.MultipartReader;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An in-process node on 127.0.0.1 (embedded storage in a temporary directory, ports chosen by the OS) and a plain
 * HTTP/1.1 client for it: what the DICOMweb tests talk to. Every call has a timeout.
 */
final class WebNode implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    final Vertx vertx;
    final Node node;
    final String base;
    final HttpClient http;

    private WebNode(Vertx vertx, Node node) {
        this.vertx = vertx;
        this.node = node;
        this.base = "http://127.0.0.1:" + node.httpPort();
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    static WebNode start(Path dataDir) throws Exception {
        return start(dataDir, new JsonObject());
    }

    static WebNode start(Path dataDir, JsonObject extra) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(16));
        try {
            JsonObject cfg = new JsonObject().put("dataDir", dataDir.toString()).put("bindAddress", "127.0.0.1")
                    .put("dicomPort", 0).put("httpPort", 0).put("hl7Port", 0).mergeIn(extra);
            Node node = Node.start(vertx, NodeConfig.fromJson(cfg), false).toCompletionStage().toCompletableFuture()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new WebNode(vertx, node);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            node.stop().toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ requests

    HttpResponse<byte[]> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET();
        if (accept != null) b.header("Accept", accept);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> delete(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).DELETE().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Content-Type", contentType).header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** STOW-RS of Part 10 files, one application/dicom part each. */
    HttpResponse<byte[]> stow(String path, List<Path> files) throws IOException, InterruptedException {
        List<byte[]> parts = new ArrayList<>();
        for (Path f : files) parts.add(Files.readAllBytes(f));
        return stowBytes(path, parts);
    }

    HttpResponse<byte[]> stowBytes(String path, List<byte[]> parts) throws IOException, InterruptedException {
        String boundary = "miroir-test-boundary-0123456789";
        return post(path, "multipart/related; type=\"application/dicom\"; boundary=" + boundary,
                multipart(boundary, parts, "application/dicom"));
    }

    static byte[] multipart(String boundary, List<byte[]> parts, String partType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(("--" + boundary + "\r\nContent-Type: " + partType + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(p);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ answers

    static JsonObject json(HttpResponse<byte[]> r) {
        return new JsonObject(new String(r.body(), StandardCharsets.UTF_8));
    }

    static JsonArray jsonArray(HttpResponse<byte[]> r) {
        return new JsonArray(new String(r.body(), StandardCharsets.UTF_8));
    }

    /** A multipart/related answer split into parts (headers, bytes), with the type parameter checked. */
    static List<Part> parts(HttpResponse<byte[]> r) throws IOException {
        MediaType ct = MediaType.parse(r.headers().firstValue("Content-Type").orElseThrow());
        if (!ct.is("multipart/related")) throw new AssertionError("not multipart/related: " + ct);
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(r.body()), ct.parameter("boundary"), 16384);
        List<Part> out = new ArrayList<>();
        for (MultipartReader.Part p; (p = reader.next()) != null; ) out.add(new Part(p.headers(), readAll(p.body())));
        return out;
    }

    record Part(Map<String, String> headers, byte[] body) {
        String contentType() {
            return headers.get("content-type");
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
