package org.miroir.server.audit;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code audit} section: where audit messages go (a syslog repository, RFC 5424 over TLS per RFC 5425) and the
 * local spool that keeps them while it cannot be reached.
 *
 * @param host, port         the audit record repository
 * @param tls                TLS (the default) or plain TCP (only for a relay on the same host)
 * @param trustStore         PKCS#12 store of the repository's certificate or its CA; null: the JDK's default CAs
 * @param keyStore           PKCS#12 store of the node's client certificate, when the repository asks for one
 * @param spoolDir           where undelivered messages wait (default: {@code audit-spool} under the data directory)
 * @param spoolMaxBytes      the spool's bound; beyond it new messages are dropped, counted and logged
 * @param sourceId           AuditSourceID: this node (default: its AE title and bind address)
 * @param siteId             AuditEnterpriseSiteID, or null
 */
public record AuditSettings(String host, int port, boolean tls, Path trustStore, String trustStorePassword,
        Path keyStore, String keyStorePassword, Path spoolDir, long spoolMaxBytes, String sourceId, String siteId) {

    public AuditSettings {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("audit.host is required");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("audit.port must be 1-65535");
        if (trustStore != null && !Files.isReadable(trustStore))
            throw new IllegalArgumentException("audit.trustStore is not readable: " + trustStore);
        if (keyStore != null && !Files.isReadable(keyStore))
            throw new IllegalArgumentException("audit.keyStore is not readable: " + keyStore);
        if (spoolMaxBytes < 1 << 20) throw new IllegalArgumentException("audit.spoolMaxBytes must be at least 1 MiB");
    }

    /** The section, or null when absent (no audit trail: the node says so at start). */
    public static AuditSettings fromJson(JsonObject j, Path dataDir, String defaultSourceId) {
        if (j == null) return null;
        String trust = j.getString("trustStore");
        String key = j.getString("keyStore");
        return new AuditSettings(j.getString("host"), j.getInteger("port", 6514), j.getBoolean("tls", true),
                trust == null ? null : Path.of(trust), j.getString("trustStorePassword", ""),
                key == null ? null : Path.of(key), j.getString("keyStorePassword", ""),
                Path.of(j.getString("spoolDir", dataDir.resolve("audit-spool").toString())),
                j.getLong("spoolMaxBytes", 256L << 20), j.getString("sourceId", defaultSourceId),
                j.getString("siteId"));
    }
}
