package org.miroir.cluster;

import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Members of one real Hazelcast cluster in this JVM, on 127.0.0.1 with free ports; closed by the test. */
public final class LoopbackCluster implements AutoCloseable {
    public final List<Cluster> members = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final String name = "test-" + Long.toHexString(System.nanoTime());

    public LoopbackCluster(int size) throws IOException {
        for (int i = 0; i < size; i++) addresses.add("127.0.0.1:" + freePort());
    }

    /** Starts member {@code i} (0-based) and waits until it has joined. */
    public Cluster start(int i) throws Exception {
        int port = Integer.parseInt(addresses.get(i).substring(addresses.get(i).indexOf(':') + 1));
        ClusterSettings s = ClusterSettings.fromJson(new JsonObject().put("members", new JsonArray(addresses))
                .put("port", port).put("name", name).put("failureDetectionSeconds", 3));
        Cluster c = Cluster.start(s, new VertxOptions()).await(60, TimeUnit.SECONDS);
        members.add(c);
        return c;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Cluster c : members) {
            try {
                c.leave().await(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("leaving failed: " + e);
            }
        }
    }
}
