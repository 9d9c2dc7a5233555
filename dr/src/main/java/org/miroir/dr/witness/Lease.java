package org.miroir.dr.witness;

import io.vertx.core.json.JsonObject;

/**
 * The witness's answer about the site lease: the current fencing epoch, the site holding it (null: nobody) and how
 * long the lease still runs on the witness's clock (0 when expired or not held).
 */
public record Lease(long epoch, String holder, long remainingMillis) {
    public boolean heldBy(String site) {
        return site.equals(holder) && remainingMillis > 0;
    }

    public boolean expired() {
        return remainingMillis <= 0;
    }

    public JsonObject toJson() {
        return new JsonObject().put("epoch", epoch).put("holder", holder).put("remainingMillis", remainingMillis);
    }

    public static Lease fromJson(JsonObject j) {
        Long epoch = j.getLong("epoch"), remaining = j.getLong("remainingMillis");
        if (epoch == null || epoch < 0 || remaining == null || remaining < 0)
            throw new IllegalArgumentException("not a lease: " + j.encode());
        return new Lease(epoch, j.getString("holder"), remaining);
    }
}
