package org.miroir.benchmarks;

import org.miroir.dicom.testing.Processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Miroir cluster of N nodes on Cassandra + Ceph behind HAProxy, started with {@code ops/dev/cluster} (a keyspace and
 * namespace of its own per measurement, on the Cassandra and Ceph of MIROIR_CASSANDRA / MIROIR_CEPH_CONF); the
 * benchmark sends to the balancer, as modalities would.
 */
final class ClusterArchive implements Archive {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);

    private final String name;
    private final Path dir;
    private final Map<String, String> env;
    private final int dicomPort;
    private final String httpBase;

    private ClusterArchive(String name, Path dir, Map<String, String> env, Map<String, String> endpoints) {
        this.name = name;
        this.dir = dir;
        this.env = env;
        this.dicomPort = port(endpoints.get("MIROIR_LB_DICOM"));
        this.httpBase = "http://" + endpoints.get("MIROIR_LB_HTTP");
    }

    static Contender contender(int nodes) {
        String name = "Miroir x" + nodes + " (HAProxy, Cassandra + Ceph)";
        return new Contender(name, true, (dir, pdu) -> start(name, dir, nodes, pdu));
    }

    static ClusterArchive start(String name, Path dir, int nodes, int pdu) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String k : List.of("MIROIR_CASSANDRA", "MIROIR_CASSANDRA_DC", "MIROIR_CEPH_CONF", "MIROIR_CEPH_POOL")) {
            String v = System.getenv(k);
            if (v != null && !v.isBlank()) env.put(k, v);
        }
        if (!env.containsKey("MIROIR_CASSANDRA") || !env.containsKey("MIROIR_CEPH_CONF"))
            throw new IllegalStateException("--cluster needs MIROIR_CASSANDRA and MIROIR_CEPH_CONF (ops/dev/cassandra, ops/dev/ceph)");
        env.put("MIROIR_CLASSPATH", System.getProperty("java.class.path"));
        env.put("MIROIR_JAVA_OPTS", MiroirNode.JAVA_OPTS);
        Path nodeConfig = java.nio.file.Files.writeString(dir.resolveSibling(dir.getFileName() + "-node.json"),
                "{\"maxPduLength\": " + pdu + "}");
        Path clusterDir = dir.resolve("cluster");
        ClusterArchive a = new ClusterArchive(name, clusterDir, env, run(clusterDir, env, "up", String.valueOf(nodes),
                "--keyspace", Contender.runToken(), "--node-config", nodeConfig.toString()));
        return a;
    }

    private static Map<String, String> run(Path dir, Map<String, String> env, String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of(MiroirNode.repoRoot().resolve("ops/dev/cluster").toString(), command,
                dir.toString()));
        cmd.addAll(List.of(args));
        Processes.Result r = Processes.run(cmd, env, COMMAND_TIMEOUT, false, Processes.MAX_OUTPUT_BYTES);
        if (!r.ok()) throw new IllegalStateException("ops/dev/cluster " + command + " failed: " + r.describe());
        Map<String, String> values = new HashMap<>();
        for (String line : r.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return values;
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    @Override
    public String name() { return name; }

    @Override
    public String aeTitle() { return MiroirNode.AE_TITLE; }

    @Override
    public int port() { return dicomPort; }

    @Override
    public long storedInstances() throws Exception {
        return MiroirNode.storedInstances(httpBase);
    }

    @Override
    public void close() {
        try {
            run(dir, env, "down");
        } catch (RuntimeException e) {
            System.err.println("stopping " + name + ": " + e.getMessage());
        }
    }
}
