package org.miroir.monitoring;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;
import org.miroir.dicom.testing.Peers;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus (Debian's package) on 127.0.0.1 with the configuration and alert rules of {@code ops/prometheus}
 * as shipped, except for time: scrapes every 2 s (a busy test machine answers within that), rule evaluations every
 * second, and every alert's {@code for} cut to
 * {@value #FOR}, so a test sees an alert fire within seconds. Targets are the given nodes (labelled with their site)
 * and the witness; the data directory is the test's. Stopped by {@link #close()}.
 */
final class Prometheus implements AutoCloseable {
    static final String FOR = "2s";
    private static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final ManagedProcess process;
    private final int port;

    private Prometheus(ManagedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static void assumeInstalled() {
        Peers.assume(Files.isExecutable(BINARY), "prometheus (apt-get install prometheus, or run ops/miroir test)");
    }

    /** Starts it under {@code dir}, scraping {@code nodes} (site to HTTP ports) and the witness; waits until ready. */
    static Prometheus start(Path repo, Path dir, Map<String, List<Integer>> nodes, int witnessPort) throws IOException {
        Path shipped = repo.resolve("ops/prometheus");
        Files.createDirectories(dir.resolve("rules"));
        Files.createDirectories(dir.resolve("targets"));
        String config = Files.readString(shipped.resolve("prometheus.yml"));
        for (String[] r : new String[][] {{"scrape_interval: 15s", "scrape_interval: 2s"},
                {"scrape_timeout: 10s", "scrape_timeout: 2s"}, {"evaluation_interval: 15s", "evaluation_interval: 1s"}}) {
            if (!config.contains(r[0])) throw new IllegalStateException("ops/prometheus/prometheus.yml has no " + r[0]);
            config = config.replace(r[0], r[1]);
        }
        Files.writeString(dir.resolve("prometheus.yml"), config);
        try (DirectoryStream<Path> rules = Files.newDirectoryStream(shipped.resolve("rules"), "*.yml")) {
            for (Path f : rules)
                Files.writeString(dir.resolve("rules").resolve(f.getFileName()),
                        Files.readString(f).replaceAll("(?m)^(\\s+for:) \\S+$", "$1 " + FOR));
        }
        for (Map.Entry<String, List<Integer>> site : nodes.entrySet())
            Files.writeString(dir.resolve("targets/nodes-" + site.getKey() + ".yml"), "- targets: "
                    + targets(site.getValue()) + "\n  labels:\n    site: " + site.getKey() + "\n");
        Files.writeString(dir.resolve("targets/witness.yml"), "- targets: " + targets(List.of(witnessPort)) + "\n");

        int port = FreePorts.next();
        ManagedProcess p = ManagedProcess.start(List.of(BINARY.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"), Map.of());
        Prometheus prometheus = new Prometheus(p, port);
        try {
            prometheus.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException | Error e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    private static String targets(List<Integer> ports) {
        return ports.stream().map(p -> "\"127.0.0.1:" + p + "\"").toList().toString();
    }

    private void awaitReady(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            if (!process.isAlive()) throw new AssertionError("prometheus exited:\n" + process.output());
            try {
                if (get("/-/ready").statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) throw new AssertionError("prometheus not ready:\n" + process.output());
            sleep(200);
        }
    }

    /** The result of an instant query now ({@code data.result}: a vector's samples). */
    JsonArray query(String promql) throws IOException {
        return ((JsonObject) data("/api/v1/query?query=" + encode(promql))).getJsonArray("result");
    }

    /** The single sample value of {@code promql}, or {@code null} when its result is empty. */
    Double value(String promql) throws IOException {
        JsonArray r = query(promql);
        if (r.isEmpty()) return null;
        if (r.size() > 1) throw new AssertionError(promql + " has " + r.size() + " samples: " + r);
        return Double.parseDouble(r.getJsonObject(0).getJsonArray("value").getString(1));
    }

    /** The values of {@code promql} (one series) every second from {@code start} to {@code end}. */
    List<Double> range(String promql, Instant start, Instant end) throws IOException {
        JsonArray r = ((JsonObject) data("/api/v1/query_range?query=" + encode(promql) + "&start="
                + start.getEpochSecond() + "&end=" + end.getEpochSecond() + "&step=1")).getJsonArray("result");
        if (r.size() != 1) throw new AssertionError(promql + " has " + r.size() + " series: " + r);
        return r.getJsonObject(0).getJsonArray("values").stream()
                .map(v -> Double.parseDouble(((JsonArray) v).getString(1))).toList();
    }

    /** Every series Prometheus ever stored whose name matches {@code nameRegex}: their label sets. */
    List<JsonObject> series(String nameRegex) throws IOException {
        JsonArray r = (JsonArray) data("/api/v1/series?match[]=" + encode("{__name__=~\"" + nameRegex + "\"}")
                + "&start=0");
        return r.stream().map(o -> (JsonObject) o).toList();
    }

    /** The alerts pending or firing now, as Prometheus' own alert API lists them. */
    List<JsonObject> alerts() throws IOException {
        return ((JsonObject) data("/api/v1/alerts")).getJsonArray("alerts").stream().map(o -> (JsonObject) o).toList();
    }

    /** Whether {@code alert} fires now for {@code site}. */
    boolean firing(String alert, String site) throws IOException {
        return alerts().stream().anyMatch(a -> "firing".equals(a.getString("state"))
                && alert.equals(a.getJsonObject("labels").getString("alertname"))
                && site.equals(a.getJsonObject("labels").getString("site")));
    }

    /** The {@code data} of an API answer (failing on anything but success). */
    private Object data(String pathAndQuery) throws IOException {
        HttpResponse<String> r = get(pathAndQuery);
        JsonObject body = new JsonObject(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.getString("status")))
            throw new AssertionError(pathAndQuery + " answered " + r.statusCode() + ": " + r.body());
        return body.getValue("data");
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
    }
}
