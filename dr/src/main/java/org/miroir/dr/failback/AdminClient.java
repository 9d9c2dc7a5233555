package org.miroir.dr.failback;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A node's HTTP API as the failback tool uses it (admin, WADO-URI, STOW-RS); every call bounded. */
final class AdminClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    AdminClient(URI base) {
        this.base = base;
    }

    URI base() { return base; }

    JsonObject get(String path) throws IOException {
        return json(send(HttpRequest.newBuilder(base.resolve(path)).GET(), Duration.ofMinutes(2)));
    }

    JsonObject post(String path, Duration timeout) throws IOException {
        return json(send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()), timeout));
    }

    /** One instance as a Part 10 file (WADO-URI), or null when the node no longer has it. */
    InputStream instance(String study, String series, String sop) throws IOException {
        HttpRequest rq = HttpRequest.newBuilder(base.resolve("/wado?requestType=WADO&studyUID=" + study + "&seriesUID="
                + series + "&objectUID=" + sop + "&contentType=application/dicom")).timeout(Duration.ofMinutes(10))
                .GET().build();
        HttpResponse<InputStream> rsp = call(rq, HttpResponse.BodyHandlers.ofInputStream());
        if (rsp.statusCode() == 404) {
            rsp.body().close();
            return null;
        }
        if (rsp.statusCode() != 200) {
            rsp.body().close();
            throw new IOException("WADO-URI of " + sop + " on " + base + " answered " + rsp.statusCode());
        }
        return rsp.body();
    }

    /** STOW-RS of one Part 10 object; the HTTP status (200 stored, 202 stored with warnings, e.g. a duplicate kept). */
    int stow(byte[] part10) throws IOException {
        String boundary = "miroir-failback-" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes();
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes();
        HttpRequest rq = HttpRequest.newBuilder(base.resolve("/dicom-web/studies")).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofByteArrays(java.util.List.of(head, part10, tail))).build();
        return call(rq, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String send(HttpRequest.Builder rq, Duration timeout) throws IOException {
        HttpResponse<String> rsp = call(rq.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        if (rsp.statusCode() != 200)
            throw new IOException(rq.build().method() + " " + rq.build().uri() + " answered " + rsp.statusCode() + ": "
                    + rsp.body());
        return rsp.body();
    }

    private static JsonObject json(String body) {
        return new JsonObject(body);
    }

    private static <T> HttpResponse<T> call(HttpRequest rq, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return HTTP.send(rq, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
