package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;

/**
 * The claim row of a SOP Instance UID: who owns it now. Written only with lightweight transactions, so claims of one
 * UID form a serial chain; {@code writeTs} (the write timestamp of the owner's batch) grows along the chain and is
 * the compare-and-set condition.
 *
 * @param state {@link #STORED} (the owner's batch indexes it, or is about to) or {@link #DELETED}
 */
record Claim(String state, long writeTs, Instant claimedAt, String studyUid, String seriesUid, String objectKey) {
    static final String STORED = "stored";
    static final String DELETED = "deleted";

    static Claim of(Row r) {
        return new Claim(r.getString("state"), r.getLong("write_ts"), r.getInstant("claimed_at"),
                r.getString("study_uid"), r.getString("series_uid"), r.getString("object_key"));
    }

    boolean stored() {
        return STORED.equals(state);
    }
}
