package org.miroir.dr.replication;

/**
 * The replication protocol between the active site's shipper and the mirror's receiver (HTTPS, client certificates
 * on both sides). Every request names the sending site and its fencing epoch; the receiver refuses it (409) unless
 * the sender is the other site, this site is the mirror (PASSIVE), and the epoch is not older than the newest this
 * site knows.
 *
 * <ul>
 *   <li>{@code PUT /replication/v1/objects/{key}}: one stored instance, the body its whole Part 10 object; headers
 *       {@code Content-Length}, {@value #SHA256}, {@value #STORED_AT} (epoch milliseconds), optionally
 *       {@value #REPAIR}: true. Object then index rows, applied idempotently; 200 once both are durable.</li>
 *   <li>{@code POST /replication/v1/changes}: a JSON array of journal entries without objects (deletes), applied in
 *       order, idempotently.</li>
 *   <li>{@code POST /replication/v1/verify}: {@code {"items": [{key, sop, study, series, size, sha256}]}}; the mirror
 *       reads each object whole, recomputes its digest and checks its index row; answers a status per item.</li>
 * </ul>
 */
public final class Protocol {
    public static final String OBJECTS = "/replication/v1/objects/";
    public static final String CHANGES = "/replication/v1/changes";
    public static final String VERIFY = "/replication/v1/verify";
    public static final String SITE = "X-Miroir-Site";
    public static final String EPOCH = "X-Miroir-Epoch";
    public static final String SHA256 = "X-Miroir-Sha256";
    public static final String STORED_AT = "X-Miroir-Stored-At";
    public static final String REPAIR = "X-Miroir-Repair";
    /** Items in one verify request, at most: bounds the mirror's work per request. */
    public static final int MAX_VERIFY_ITEMS = 200;
    /** Entries in one changes request, at most. */
    public static final int MAX_CHANGES = 500;

    private Protocol() {}
}
