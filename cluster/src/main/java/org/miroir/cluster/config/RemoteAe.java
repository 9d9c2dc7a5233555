package org.miroir.cluster.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.EnumSet;
import java.util.Set;

/**
 * A peer application entity of the registry: where C-MOVE sends to it, the host it may call from when calling hosts
 * are checked, and the services it may use when it calls.
 */
public record RemoteAe(String aeTitle, String host, int port, Set<AePermission> permissions) {
    public RemoteAe {
        checkAeTitle(aeTitle);
        if (host == null || host.isBlank() || host.length() > 253 || host.chars().anyMatch(Character::isWhitespace))
            throw new IllegalArgumentException("AE " + aeTitle + ": host must be a host name or address");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("AE " + aeTitle + ": port must be 1-65535");
        permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
    }

    /** An AE with every permission. */
    public RemoteAe(String aeTitle, String host, int port) {
        this(aeTitle, host, port, EnumSet.allOf(AePermission.class));
    }

    public boolean may(AePermission p) {
        return permissions.contains(p);
    }

    /** An AE title per PS3.5: 1-16 characters of the default repertoire, no backslash or control, not all spaces. */
    public static String checkAeTitle(String aet) {
        if (aet == null || aet.isBlank() || aet.length() > 16 || aet.contains("\\")
                || aet.chars().anyMatch(c -> c < 0x20 || c > 0x7e))
            throw new IllegalArgumentException("AE title must be 1-16 printable ASCII characters without backslash: '"
                    + aet + "'");
        return aet;
    }

    /** {@code {"host": ..., "port": ..., "permissions": [...]}}: the AE title is the entry's key. */
    public JsonObject toJson() {
        JsonArray p = new JsonArray();
        for (AePermission each : AePermission.values()) if (may(each)) p.add(each.key());
        return new JsonObject().put("host", host).put("port", port).put("permissions", p);
    }

    /** Without {@code permissions} an entry may use every service (what entries written before step 8 meant). */
    public static RemoteAe fromJson(String aeTitle, JsonObject j) {
        Object port = j.getValue("port");
        if (!(port instanceof Number n) || n.doubleValue() != n.intValue())
            throw new IllegalArgumentException("AE " + aeTitle + ": port must be an integer");
        Object host = j.getValue("host");
        if (!(host instanceof String h)) throw new IllegalArgumentException("AE " + aeTitle + ": host must be a string");
        Object perms = j.getValue("permissions");
        if (perms == null) return new RemoteAe(aeTitle, h, n.intValue());
        if (!(perms instanceof JsonArray a))
            throw new IllegalArgumentException("AE " + aeTitle + ": permissions must be a list of store, query, "
                    + "retrieve, worklist");
        Set<AePermission> set = EnumSet.noneOf(AePermission.class);
        for (Object o : a) {
            if (!(o instanceof String s)) throw new IllegalArgumentException("AE " + aeTitle + ": permissions are names");
            set.add(AePermission.of(s));
        }
        return new RemoteAe(aeTitle, h, n.intValue(), set);
    }
}
