package org.miroir.cluster.config;

import io.vertx.core.json.JsonObject;

/**
 * A peer application entity of the registry: where C-MOVE sends to it, and the host it may call from when calling AEs
 * are restricted to the registry.
 */
public record RemoteAe(String aeTitle, String host, int port) {
    public RemoteAe {
        checkAeTitle(aeTitle);
        if (host == null || host.isBlank() || host.length() > 253 || host.chars().anyMatch(Character::isWhitespace))
            throw new IllegalArgumentException("AE " + aeTitle + ": host must be a host name or address");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("AE " + aeTitle + ": port must be 1-65535");
    }

    /** An AE title per PS3.5: 1-16 characters of the default repertoire, no backslash or control, not all spaces. */
    public static String checkAeTitle(String aet) {
        if (aet == null || aet.isBlank() || aet.length() > 16 || aet.contains("\\")
                || aet.chars().anyMatch(c -> c < 0x20 || c > 0x7e))
            throw new IllegalArgumentException("AE title must be 1-16 printable ASCII characters without backslash: '"
                    + aet + "'");
        return aet;
    }

    /** {@code {"host": ..., "port": ...}}: the AE title is the entry's key. */
    public JsonObject toJson() {
        return new JsonObject().put("host", host).put("port", port);
    }

    public static RemoteAe fromJson(String aeTitle, JsonObject j) {
        Object port = j.getValue("port");
        if (!(port instanceof Number n) || n.doubleValue() != n.intValue())
            throw new IllegalArgumentException("AE " + aeTitle + ": port must be an integer");
        Object host = j.getValue("host");
        if (!(host instanceof String h)) throw new IllegalArgumentException("AE " + aeTitle + ": host must be a string");
        return new RemoteAe(aeTitle, h, n.intValue());
    }
}
