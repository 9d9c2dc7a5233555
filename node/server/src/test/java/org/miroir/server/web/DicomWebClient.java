package org.miroir.server.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.server.web.multipart.MultipartReader;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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

/**
 * A plain HTTP/1.1 client for a node's DICOMweb ({@code base} is http://127.0.0.1:PORT), every call with a timeout:
 * for in-process nodes ({@link WebNode}) and for nodes started by {@code ops/miroir run} alike.
 */
public class DicomWebClient {
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    public final String base;
    public final HttpClient http;

    public DicomWebClient(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    // ------------------------------------------------------------------ requests

    public HttpResponse<byte[]> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET();
        if (accept != null) b.header("Accept", accept);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<byte[]> delete(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).DELETE().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<byte[]> post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Content-Type", contentType).header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** STOW-RS of Part 10 files, one application/dicom part each. */
    public HttpResponse<byte[]> stow(String path, List<Path> files) throws IOException, InterruptedException {
        List<byte[]> parts = new ArrayList<>();
        for (Path f : files) parts.add(Files.readAllBytes(f));
        return stowBytes(path, parts);
    }

    public HttpResponse<byte[]> stowBytes(String path, List<byte[]> parts) throws IOException, InterruptedException {
        String boundary = "miroir-test-boundary-0123456789";
        return post(path, "multipart/related; type=\"application/dicom\"; boundary=" + boundary,
                multipart(boundary, parts, "application/dicom"));
    }

    public static byte[] multipart(String boundary, List<byte[]> parts, String partType) {
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

    public static JsonObject json(HttpResponse<byte[]> r) {
        return new JsonObject(new String(r.body(), StandardCharsets.UTF_8));
    }

    public static JsonArray jsonArray(HttpResponse<byte[]> r) {
        return new JsonArray(new String(r.body(), StandardCharsets.UTF_8));
    }

    /** A multipart/related answer split into parts (headers, bytes), with the type parameter checked. */
    public static List<Part> parts(HttpResponse<byte[]> r) throws IOException {
        MediaType ct = MediaType.parse(r.headers().firstValue("Content-Type").orElseThrow());
        if (!ct.is("multipart/related")) throw new AssertionError("not multipart/related: " + ct);
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(r.body()), ct.parameter("boundary"), 16384);
        List<Part> out = new ArrayList<>();
        for (MultipartReader.Part p; (p = reader.next()) != null; ) out.add(new Part(p.headers(), p.body().readAllBytes()));
        return out;
    }

    public record Part(Map<String, String> headers, byte[] body) {
        public String contentType() {
            return headers.get("content-type");
        }
    }
}
