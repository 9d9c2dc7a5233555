package org.miroir.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;

/**
 * A Miroir node started the way the README says, {@code ops/miroir run}, in its own process on 127.0.0.1 with free
 * ports, a given data directory and a JSON configuration (the storage drivers and their settings come from it: the
 * embedded default when it says nothing). The node runs from this JVM's class path ({@code MIROIR_CLASSPATH}: the
 * benchmarks module depends on the node at run time), so no build runs while measuring. Stopped with SIGTERM on
 * {@link #close()}, which shuts it down cleanly.
 */
final class MiroirNode implements Archive {
    static final String AE_TITLE = "MIROIR";
    /** The node's heap: ops/miroir run's default. */
    static final String JAVA_OPTS = "-Xmx1g";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final int QIDO_PAGE = 10_000;

    private final String name;
    private final int dicomPort;
    private final String base;
    private final ManagedProcess process;

    private MiroirNode(String name, int dicomPort, int httpPort, ManagedProcess process) {
        this.name = name;
        this.dicomPort = dicomPort;
        this.base = "http://127.0.0.1:" + httpPort;
        this.process = process;
    }

    /**
     * Starts a node keeping its data in {@code dataDir}, with {@code config} (the node's JSON configuration; ports,
     * bind address, AE title and data directory are set here) written beside it; returns once /health/ready is 200.
     */
    static MiroirNode start(String name, Path dataDir, JsonObject config) throws IOException {
        Files.createDirectories(dataDir);
        Path configFile = dataDir.resolveSibling(dataDir.getFileName() + "-config.json");
        Files.writeString(configFile, config.encodePrettily());
        int[] ports = FreePorts.next(3);
        List<String> command = List.of(repoRoot().resolve("ops/miroir").toString(), "run",
                "--bind", "127.0.0.1", "--ae-title", AE_TITLE, "--dicom-port", String.valueOf(ports[0]),
                "--http-port", String.valueOf(ports[1]), "--hl7-port", String.valueOf(ports[2]),
                "--data-dir", dataDir.toString(), "--config", configFile.toString());
        ManagedProcess p = ManagedProcess.start(command, Map.of(
                "MIROIR_CLASSPATH", System.getProperty("java.class.path"), "MIROIR_JAVA_OPTS", JAVA_OPTS));
        MiroirNode node = new MiroirNode(name, ports[0], ports[1], p);
        try {
            Http.awaitOk(node.base + "/health/ready", p, READY_TIMEOUT);
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    @Override
    public String name() { return name; }

    @Override
    public String aeTitle() { return AE_TITLE; }

    @Override
    public int port() { return dicomPort; }

    /** The node's HTTP base, {@code http://127.0.0.1:PORT}. */
    String httpBase() { return base; }

    /** A QIDO-RS search, e.g. {@code studies?PatientID=X}: the JSON array of matches (empty when none). */
    JsonArray qido(String pathAndQuery) throws IOException {
        return qido(base, pathAndQuery);
    }

    static JsonArray qido(String base, String pathAndQuery) throws IOException {
        String body = Http.getOk(base + "/dicom-web/" + pathAndQuery);
        return body.isBlank() ? new JsonArray() : new JsonArray(body);
    }

    @Override
    public long storedInstances() throws IOException {
        return storedInstances(base);
    }

    /** The sum of Number of Study Related Instances over every study of the archive at {@code base} (QIDO-RS, paged). */
    static long storedInstances(String base) throws IOException {
        long total = 0;
        for (int offset = 0; ; offset += QIDO_PAGE) {
            JsonArray studies = qido(base, "studies?includefield=00201208&limit=" + QIDO_PAGE + "&offset=" + offset);
            for (int k = 0; k < studies.size(); k++) {
                JsonObject n = studies.getJsonObject(k).getJsonObject("00201208");
                if (n != null && n.getJsonArray("Value") != null) total += n.getJsonArray("Value").getLong(0);
            }
            if (studies.size() < QIDO_PAGE) return total;
        }
    }

    /**
     * Where a C-STORE's time went, from the node's own /metrics since it started: the mean per instance of the whole
     * C-STORE as the node saw it and of each store-path stage (parse: reading the header off the association, the
     * object streaming to its file meanwhile; object write: the rest of the data set and the file's fsync and rename;
     * metadata write: the index transaction, group-committed).
     */
    String storeProfile() throws IOException {
        String m = Http.getOk(base + "/metrics");
        return String.format(java.util.Locale.ROOT, "C-STORE %.1f ms each in the node (parse %.1f, object write %.1f, "
                        + "metadata write %.1f)", meanMillis(m, "miroir_dimse_duration_seconds", "operation=\"C_STORE_RQ\""),
                meanMillis(m, "miroir_store_stage_duration_seconds", "stage=\"parse\""),
                meanMillis(m, "miroir_store_stage_duration_seconds", "stage=\"object_write\""),
                meanMillis(m, "miroir_store_stage_duration_seconds", "stage=\"metadata_write\""));
    }

    /** The mean, in ms, of a Prometheus histogram's observations whose labels contain {@code label}. */
    private static double meanMillis(String metrics, String histogram, String label) {
        double sum = 0, count = 0;
        for (String line : metrics.split("\n")) {
            if (!line.contains(label)) continue;
            double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (line.startsWith(histogram + "_sum{")) sum += v;
            else if (line.startsWith(histogram + "_count{")) count += v;
        }
        return count == 0 ? Double.NaN : 1000 * sum / count;
    }

    /** The tail of the node's output (its log). */
    String output() { return process.output(); }

    @Override
    public void close() { process.close(); }

    /** Where {@code ops/miroir} is: {@code -Dmiroir.root} (ops/miroir bench sets it), else above the working directory. */
    static Path repoRoot() {
        String root = System.getProperty("miroir.root");
        if (root != null) return Path.of(root);
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("ops/miroir"))) return p;
        }
        throw new IllegalStateException("ops/miroir not found above " + Path.of("").toAbsolutePath() + ": set -Dmiroir.root");
    }
}
