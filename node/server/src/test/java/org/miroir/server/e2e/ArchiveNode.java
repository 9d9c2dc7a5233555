package org.miroir.server.e2e;

import io.vertx.core.json.JsonObject;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;
import org.miroir.server.web.DicomWebClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Miroir node started the way the README says, {@code ops/miroir run}, as a separate process on 127.0.0.1 with
 * free ports, a given data directory and a JSON configuration. The class path is this test JVM's
 * ({@code MIROIR_CLASSPATH}), so no Maven build runs inside the test. {@link #close()} stops it with SIGTERM (the
 * node shuts down cleanly); {@link #kill()} is kill -9.
 */
final class ArchiveNode implements AutoCloseable {
    static final String AE_TITLE = "MIROIR";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final int dicomPort;
    final int httpPort;
    final int hl7Port;
    final Path dataDir;
    private final ManagedProcess process;

    private ArchiveNode(ManagedProcess process, int dicomPort, int httpPort, int hl7Port, Path dataDir) {
        this.process = process;
        this.dicomPort = dicomPort;
        this.httpPort = httpPort;
        this.hl7Port = hl7Port;
        this.dataDir = dataDir;
    }

    /** Starts a node and waits for {@code /health/ready}; {@code config} is written to a file for {@code --config}. */
    static ArchiveNode start(Path dataDir, JsonObject config) throws IOException {
        Files.createDirectories(dataDir);
        Path configFile = dataDir.resolveSibling(dataDir.getFileName() + "-config.json");
        Files.writeString(configFile, config.encodePrettily());
        int[] ports = FreePorts.next(3);
        List<String> command = List.of(repoRoot().resolve("ops/miroir").toString(), "run",
                "--bind", "127.0.0.1", "--ae-title", AE_TITLE, "--dicom-port", String.valueOf(ports[0]),
                "--http-port", String.valueOf(ports[1]), "--hl7-port", String.valueOf(ports[2]),
                "--data-dir", dataDir.toString(), "--config", configFile.toString());
        ManagedProcess p = ManagedProcess.start(command, Map.of(
                "MIROIR_CLASSPATH", System.getProperty("java.class.path"),
                "MIROIR_JAVA_OPTS", "-Xmx512m"));
        ArchiveNode node = new ArchiveNode(p, ports[0], ports[1], ports[2], dataDir);
        try {
            node.awaitReady();
        } catch (RuntimeException | Error e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive())
                throw new AssertionError("ops/miroir run exited with " + process.process().exitValue() + ":\n" + process.output());
            try {
                if (get("/health/ready").statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline)
                throw new AssertionError("node not ready after " + READY_TIMEOUT + ":\n" + process.output());
            sleep(100);
        }
    }

    HttpResponse<String> get(String path) throws IOException {
        HttpRequest rq = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            return HTTP.send(rq, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    HttpResponse<String> post(String path) throws IOException {
        HttpRequest rq = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofMinutes(2)).POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            return HTTP.send(rq, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * A metric's value from /metrics, summed over the samples named {@code name} whose labels include every one of
     * {@code labels} (each written as in the exposition format, {@code operation="C_STORE_RQ"}); 0 when none.
     */
    double metric(String name, String... labels) throws IOException {
        return metricIn(get("/metrics").body(), name, labels);
    }

    /** {@link #metric(String, String...)} of a scrape already taken. */
    static double metricIn(String scrape, String name, String... labels) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(name + " ") && !line.startsWith(name + "{")) continue;
            String labelSet = line.startsWith(name + "{") ? line.substring(name.length(), line.lastIndexOf('}') + 1) : "";
            if (java.util.Arrays.stream(labels).allMatch(l -> labelSet.contains(l)))
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }

    /** A DICOMweb client for this node. */
    DicomWebClient web() {
        return new DicomWebClient("http://127.0.0.1:" + httpPort);
    }

    String output() { return process.output(); }

    boolean isAlive() { return process.isAlive(); }

    /** kill -9: the node gets no chance to finish anything. */
    void kill() throws InterruptedException {
        process.process().destroyForcibly();
        if (!process.process().waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("node survived kill -9");
        process.close();
    }

    @Override
    public void close() {
        process.close();
    }

    /** The repository root: where {@code ops/miroir} is, above the module's working directory. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("ops/miroir"))) return p;
        }
        throw new IllegalStateException("ops/miroir not found above " + Path.of("").toAbsolutePath());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
