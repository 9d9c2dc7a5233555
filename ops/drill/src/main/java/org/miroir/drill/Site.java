package org.miroir.drill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.dicom.testing.Processes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One site of the pair: its nodes and balancer, run by {@code ops/dev/cluster} in a directory of its own, and the
 * calls a drill makes to them (admin API, QIDO-RS). Every call bounded.
 */
public final class Site {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(6);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public final String id;
    public final Path dir;
    public final int nodes;
    private final Path root;
    private final Map<String, String> processEnv;
    private Map<String, String> env = Map.of();

    Site(String id, Path dir, int nodes, Path root, Map<String, String> processEnv) {
        this.id = id;
        this.dir = dir;
        this.nodes = nodes;
        this.root = root;
        this.processEnv = processEnv;
    }

    /** Runs {@code ops/dev/cluster command DIR args}; returns the KEY=VALUE lines it printed. */
    Map<String, String> cluster(String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("ops/dev/cluster").toString(), command, dir.toString()));
        cmd.addAll(List.of(args));
        Processes.Result r = Processes.run(cmd, processEnv, COMMAND_TIMEOUT, false, Processes.MAX_OUTPUT_BYTES);
        if (!r.ok()) throw new IllegalStateException("ops/dev/cluster " + command + " " + id + " failed: " + r.describe());
        Map<String, String> values = new HashMap<>();
        for (String line : r.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z0-9_]+")) values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        if (command.equals("up") || command.equals("env")) env = values;
        return values;
    }

    private int port(String key) {
        String v = env.get(key);
        if (v == null) env = cluster("env");
        v = env.get(key);
        if (v == null) throw new IllegalStateException(id + ": no " + key);
        return Integer.parseInt(v.substring(v.lastIndexOf(':') + 1));
    }

    public int balancerDicomPort() { return port("MIROIR_LB_DICOM"); }

    /** The replication receivers' ports, from the prepared site's ports (its nodes need not run yet). */
    List<Integer> receiverPorts() throws IOException {
        List<Integer> out = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(dir.resolve("cluster.env")))
            if (line.matches("NODE[0-9]+_REPLICATION=[0-9]+")) out.add(Integer.parseInt(line.substring(line.indexOf('=') + 1)));
        return out;
    }

    int receiverPort(int node) { return port("MIROIR_NODE" + node + "_REPLICATION"); }

    /** What node {@code node} logged so far (all its runs). */
    public String log(int node) throws IOException {
        return java.nio.file.Files.readString(dir.resolve("node" + node + ".log"));
    }

    public int balancerHttpPort() { return port("MIROIR_LB_HTTP"); }

    public int balancerHl7Port() { return port("MIROIR_LB_HL7"); }

    public int httpPort(int node) { return port("MIROIR_NODE" + node + "_HTTP"); }

    URI nodeUrl(int node) { return URI.create("http://127.0.0.1:" + httpPort(node)); }

    /** Node {@code node}'s disaster-recovery status, or null when it does not answer. */
    public JsonObject dr(int node) {
        try {
            HttpResponse<String> r = get(httpPort(node), "/admin/dr");
            return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether every node answers and satisfies {@code condition}. */
    boolean all(Predicate<JsonObject> condition) {
        for (int i = 1; i <= nodes; i++) {
            JsonObject s = dr(i);
            if (s == null || !condition.test(s)) return false;
        }
        return true;
    }

    /** The SOP Instance UIDs the site holds in {@code studies} (QIDO-RS through its balancer). */
    Set<String> instancesOf(Set<String> studies) throws IOException {
        Set<String> out = new HashSet<>();
        for (String study : studies) {
            HttpResponse<String> r = get(balancerHttpPort(), "/dicom-web/studies/" + study + "/instances?limit=10000");
            if (r.statusCode() == 204 || r.statusCode() == 404) continue;
            if (r.statusCode() != 200) throw new IOException("QIDO on " + id + " answered " + r.statusCode());
            for (Object o : new JsonArray(r.body()))
                out.add(((JsonObject) o).getJsonObject("00080018").getJsonArray("Value").getString(0));
        }
        return out;
    }

    public HttpResponse<String> get(int port, String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
    }

    public HttpResponse<String> post(int port, String path, String json) throws IOException {
        return request("POST", port, path, json);
    }

    /** Any request with a JSON body ({@code json} null: none) to a port of this site. */
    public HttpResponse<String> request(String method, int port, String path, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").method(method, json == null
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder rq) throws IOException {
        try {
            return HTTP.send(rq.timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** kill -9 of every node: the site dies as in a power cut. */
    void kill() {
        for (int i = 1; i <= nodes; i++) cluster("kill-node", String.valueOf(i));
    }

    /** Starts every node again (each waits until ready and back in the balancer). */
    void startNodes() {
        for (int i = 1; i <= nodes; i++) cluster("start-node", String.valueOf(i));
    }

    void down() {
        try {
            cluster("down");
        } catch (RuntimeException e) {
            System.err.println("stopping site " + id + ": " + e.getMessage());
        }
    }
}
