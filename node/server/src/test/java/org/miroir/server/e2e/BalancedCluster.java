package org.miroir.server.e2e;

import org.miroir.dicom.testing.Processes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster of nodes behind HAProxy, started the way an operator starts one, with {@code ops/dev/cluster}: the nodes
 * run from this test JVM's class path on the run's shared Cassandra and Ceph (a keyspace and namespace of their own).
 * Every command is bounded; a failing one fails the test with the script's output. {@link #close()} stops it all.
 */
final class BalancedCluster implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(6);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path dir;
    final int nodes;
    private Map<String, String> env;

    private BalancedCluster(Path dir, int nodes) {
        this.dir = dir;
        this.nodes = nodes;
    }

    /** Starts {@code nodes} nodes; {@code nodeConfig} (JSON) is merged into each node's configuration. */
    static BalancedCluster up(Path dir, int nodes, String nodeConfig) throws IOException {
        StorageBackends.Endpoints backends = StorageBackends.shared();
        Path extra = Files.writeString(Files.createDirectories(dir).resolveSibling(dir.getFileName() + "-node.json"), nodeConfig);
        BalancedCluster c = new BalancedCluster(dir, nodes);
        String keyspace = ("cluster_" + Long.toHexString(System.nanoTime())).toLowerCase(java.util.Locale.ROOT);
        try {
            c.run(Map.of("MIROIR_CASSANDRA", backends.cassandra(), "MIROIR_CASSANDRA_DC", backends.datacenter(),
                    "MIROIR_CEPH_CONF", backends.cephConf().toString(), "MIROIR_CEPH_POOL", backends.pool()),
                    "up", String.valueOf(nodes), "--node-config", extra.toString(), "--keyspace", keyspace);
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
        c.env = c.run(Map.of(), "env");
        return c;
    }

    /** Runs {@code ops/dev/cluster command DIR args}; returns the KEY=VALUE lines it printed. */
    private Map<String, String> run(Map<String, String> extraEnv, String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ArchiveNode.repoRoot().resolve("ops/dev/cluster").toString(),
                command, dir.toString()));
        cmd.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("MIROIR_CLASSPATH", System.getProperty("java.class.path"));
        env.put("MIROIR_JAVA_OPTS", "-Xmx384m");
        Processes.Result r = Processes.run(cmd, env, COMMAND_TIMEOUT, false, Processes.MAX_OUTPUT_BYTES);
        if (!r.ok()) throw new AssertionError("ops/dev/cluster " + command + " failed: " + r.describe());
        Map<String, String> values = new HashMap<>();
        for (String line : r.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z0-9_]+")) values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return values;
    }

    private int port(String key) {
        String v = env.get(key);
        if (v == null) throw new IllegalStateException("ops/dev/cluster env printed no " + key);
        return Integer.parseInt(v.substring(v.lastIndexOf(':') + 1));
    }

    int balancerDicomPort() { return port("MIROIR_LB_DICOM"); }

    int balancerHttpPort() { return port("MIROIR_LB_HTTP"); }

    int balancerDicomTlsPort() { return port("MIROIR_LB_DICOM_TLS"); }

    int balancerHl7Port() { return port("MIROIR_LB_HL7"); }

    /** The certificate the nodes' TLS listeners present (self-signed by ops/dev/cluster). */
    Path tlsCertificate() { return Path.of(env.get("MIROIR_TLS_CERT")); }

    /** Node {@code i}'s own DICOM port (1-based), bypassing the balancer. */
    int dicomPort(int i) { return port("MIROIR_NODE" + i + "_DICOM"); }

    int httpPort(int i) { return port("MIROIR_NODE" + i + "_HTTP"); }

    /** What node {@code i} wrote so far (all its runs). */
    String log(int i) throws IOException {
        return Files.readString(dir.resolve("node" + i + ".log"));
    }

    /** What HAProxy logged so far: one line per connection (client, backend/server, timings, termination state). */
    String balancerLog() throws IOException {
        return Files.readString(dir.resolve("haproxy.log"));
    }

    void stopNode(int i) { run(Map.of(), "stop-node", String.valueOf(i)); }

    void killNode(int i) { run(Map.of(), "kill-node", String.valueOf(i)); }

    void startNode(int i) { run(Map.of(), "start-node", String.valueOf(i)); }

    /** Every node in turn drained (SIGTERM) and started again, each back in the balancer before the next. */
    void rollingRestart() { run(Map.of(), "restart"); }

    HttpResponse<String> http(int port, String method, String path, String jsonBody) throws IOException {
        HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        rq.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) rq.header("Content-Type", "application/json");
        try {
            return HTTP.send(rq.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A metric's value on node {@code i} (summed over the samples whose labels contain {@code labels}), 0 when absent. */
    double metric(int i, String name, String labels) throws IOException {
        double sum = 0;
        for (String line : http(httpPort(i), "GET", "/metrics", null).body().split("\n")) {
            if ((line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(labels))
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }

    @Override
    public void close() {
        try {
            run(Map.of(), "down");
        } catch (AssertionError e) {
            System.err.println("stopping the cluster failed: " + e.getMessage());
        }
    }
}
