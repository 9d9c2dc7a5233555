package org.miroir.dr.site;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.dr.witness.LeaseBook;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A node's disaster-recovery configuration, the {@code site} section: which site it belongs to, where the witness
 * and the other site's replication receivers are, the objectives. Absent, the node is an archive without a mirror:
 * always writable, nothing shipped.
 *
 * @param id              this site's name at the witness (both sites' nodes must agree on both names)
 * @param initialRole     the role of a site that has never held the lease: {@code ACTIVE} asks for it at once, a
 *                        {@code PASSIVE} one only when the active site's lease expired
 * @param witness         the witness's URL
 * @param peers           the other site's replication receivers (its nodes, or its balancer), tried in turn
 * @param replicationPort where this node's receiver listens (HTTPS with client certificates)
 * @param lease           how long a granted lease runs; renewed every quarter of it
 * @param rpo             the recovery point objective: the replication lag this site must stay under
 * @param rto             the recovery time objective: how long the mirror may take to accept writes after a failure
 * @param autoFailover    whether a passive site takes the lease over by itself when the active site's lease expires
 * @param tls             the replication's key and trust stores (mutual TLS), required when the site ships or receives
 */
public record SiteSettings(String id, SiteRole initialRole, URI witness, List<URI> peers, int replicationPort,
        Duration lease, Duration rpo, Duration rto, boolean autoFailover, ReplicationTls tls, Verification verification) {

    /**
     * The backup verification's pace: a pause of {@code interval} between two passes over the whole index, and at most
     * {@code bytesPerSecond} of objects read back on the mirror.
     */
    public record Verification(Duration interval, long bytesPerSecond) {}

    /** The receiver's and the shipper's TLS material: PKCS#12 key store and trust store (mutual TLS). */
    public record ReplicationTls(String keyStore, String keyStorePassword, String trustStore, String trustStorePassword) {}

    public SiteSettings {
        LeaseBook.checkSite(id);
        if (initialRole == SiteRole.FENCED) throw new IllegalArgumentException("site.initialRole is ACTIVE or PASSIVE");
        if (witness == null) throw new IllegalArgumentException("site.witness is required");
        peers = List.copyOf(peers);
        if (lease.toMillis() < 2000 || lease.toSeconds() > 300)
            throw new IllegalArgumentException("site.leaseSeconds must be 2-300");
        if (rto.compareTo(lease) <= 0)
            throw new IllegalArgumentException("site.rtoSeconds must exceed the lease: a failover waits for it to expire");
        if ((replicationPort > 0 || !peers.isEmpty()) && tls == null)
            throw new IllegalArgumentException("site.replication needs keyStore and trustStore: replication is mutual TLS");
    }

    /**
     * Refuses an RPO objective that the metadata store's journal hold-back makes impossible: changes reach the mirror
     * no sooner than the store shows them to the shipper, so such an objective would be breached all the time (and
     * its alert cry wolf). A site without peers ships nothing and is not checked.
     */
    public void requireRpoAbove(Duration journalHoldBack) {
        if (!peers.isEmpty() && rpo.compareTo(journalHoldBack) <= 0)
            throw new IllegalArgumentException("site.rpoSeconds (" + rpo.toSeconds() + ") must exceed the metadata "
                    + "store's journal hold-back of " + journalHoldBack.toMillis() + " ms (Cassandra: journal-settle-ms): "
                    + "no change can reach the mirror sooner");
    }

    /** Reads the {@code site} section; null when there is none (no mirror). */
    public static SiteSettings fromJson(JsonObject j) {
        if (j == null) return null;
        JsonObject r = j.getJsonObject("replication", new JsonObject());
        JsonArray peers = j.getJsonArray("peers", new JsonArray());
        ReplicationTls tls = r.getString("keyStore") == null ? null : new ReplicationTls(r.getString("keyStore"),
                r.getString("keyStorePassword", ""), r.getString("trustStore"), r.getString("trustStorePassword", ""));
        return new SiteSettings(j.getString("id"),
                SiteRole.valueOf(j.getString("initialRole", "PASSIVE").toUpperCase(java.util.Locale.ROOT)),
                URI.create(required(j, "witness")), peers.stream().map(p -> URI.create(p.toString())).toList(),
                r.getInteger("port", 0), Duration.ofMillis(j.getLong("leaseMillis", 10_000L)),
                Duration.ofSeconds(j.getLong("rpoSeconds", 30L)), Duration.ofSeconds(j.getLong("rtoSeconds", 60L)),
                j.getBoolean("autoFailover", true), tls, new Verification(
                        Duration.ofSeconds(j.getLong("verificationIntervalSeconds", 60L)),
                        j.getLong("verificationBytesPerSecond", 50_000_000L)));
    }

    private static String required(JsonObject j, String key) {
        String v = j.getString(key);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("site." + key + " is required");
        return v;
    }
}
