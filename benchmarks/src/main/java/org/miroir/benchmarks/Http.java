package org.miroir.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.miroir.dicom.testing.ManagedProcess;

/** Blocking HTTP GETs to the servers under test on 127.0.0.1: HTTP/1.1 kept alive between calls, every wait bounded. */
final class Http {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private Http() {}

    /** GET {@code url}; any status. Fails with IOException when the server cannot be reached in time. */
    static HttpResponse<String> get(String url) throws IOException {
        HttpRequest rq = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
        try {
            return CLIENT.send(rq, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: GET " + url, e);
        }
    }

    /** GET {@code url}, expecting 200 or 204 (no content: an empty body). */
    static String getOk(String url) throws IOException {
        HttpResponse<String> r = get(url);
        if (r.statusCode() == 204) return "";
        if (r.statusCode() != 200) throw new IOException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
        return r.body();
    }

    /**
     * Waits until GET {@code url} answers 200 (a server's readiness page), polling; fails when {@code process} exits
     * first or {@code timeout} passes, with the process's output.
     */
    static void awaitOk(String url, ManagedProcess process, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive())
                throw new IOException(String.join(" ", process.command()) + " exited with "
                        + process.process().exitValue() + ":\n" + process.output());
            try {
                if (get(url).statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline)
                throw new IOException(url + " not ready after " + timeout + ":\n" + process.output());
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
