package org.miroir.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;

/**
 * How a node joins its site's cluster: the {@code cluster} section of its configuration. Without {@code members} the
 * node runs alone (no Hazelcast, every job owned locally): the one-machine archive.
 *
 * @param members          every member's Hazelcast address ({@code host:port}), this node's included: TCP-IP join,
 *                         never multicast
 * @param host             the address this node's Hazelcast and event bus bind to and announce
 * @param port             this node's Hazelcast port
 * @param eventBusPort     this node's clustered event bus port (0: any free port, announced through Hazelcast)
 * @param name             the cluster name: nodes of another site or environment never join by mistake
 * @param failureDetection how long a member may stay silent before the others remove it (heartbeats every second)
 */
public record ClusterSettings(List<String> members, String host, int port, int eventBusPort, String name,
        Duration failureDetection) {

    public ClusterSettings {
        members = List.copyOf(members);
        for (String m : members) {
            int colon = m.lastIndexOf(':');
            if (colon <= 0 || !m.substring(colon + 1).matches("\\d{1,5}"))
                throw new IllegalArgumentException("cluster member must be host:port, got '" + m + "'");
        }
        if (port < 0 || port > 65535 || eventBusPort < 0 || eventBusPort > 65535)
            throw new IllegalArgumentException("cluster ports must be 0-65535");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("cluster name is required");
        if (failureDetection.toSeconds() < 2 || failureDetection.toSeconds() > 300)
            throw new IllegalArgumentException("cluster failure detection must be 2-300 s");
    }

    /** Reads the {@code cluster} section; an absent or member-less section means a node alone. */
    public static ClusterSettings fromJson(JsonObject j) {
        JsonArray members = j.getJsonArray("members", new JsonArray());
        return new ClusterSettings(
                members.stream().map(Object::toString).toList(),
                j.getString("host", "127.0.0.1"),
                j.getInteger("port", 5701),
                j.getInteger("eventBusPort", 0),
                j.getString("name", "miroir"),
                Duration.ofSeconds(j.getLong("failureDetectionSeconds", 5L)));
    }

    public boolean clustered() {
        return !members.isEmpty();
    }
}
