package org.miroir.storage;

/** Whether a store is reachable and usable now, with a short human-readable reason. */
public record Health(boolean up, String detail) {
    public Health {
        if (detail == null) detail = "";
    }

    public static Health up(String detail) {
        return new Health(true, detail);
    }

    public static Health down(String detail) {
        return new Health(false, detail);
    }
}
