package org.miroir.server.audit;

/**
 * Who took part in an audited event: a calling AE title, a token's subject or the node itself, with its display name
 * (a token's name, or null) and the IP address it acted from (or null).
 */
public record Actor(String userId, String userName, String address) {
    public Actor {
        if (userId == null || userId.isBlank()) userId = "unknown";
    }
}
