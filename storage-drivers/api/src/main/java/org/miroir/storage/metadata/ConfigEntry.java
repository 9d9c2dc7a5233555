package org.miroir.storage.metadata;

import java.time.Instant;

/**
 * One entry of the cluster-wide configuration kept in the metadata store: an AE of the registry, a shared setting.
 * Every node of a site reads the same entries, so a change made through one node reaches all of them.
 *
 * @param section   what the entry configures, e.g. {@code ae} (1-64 characters)
 * @param key       its name within the section, e.g. an AE title (1-256 characters)
 * @param value     JSON text (at most {@link #MAX_VALUE_CHARS} characters), interpreted by the section's owner
 * @param updatedAt when it was last written
 */
public record ConfigEntry(String section, String key, String value, Instant updatedAt) {
    public static final int MAX_VALUE_CHARS = 64 * 1024;

    public ConfigEntry {
        checkSection(section);
        checkKey(key);
        if (value == null || value.length() > MAX_VALUE_CHARS)
            throw new IllegalArgumentException("a configuration value is 0-" + MAX_VALUE_CHARS + " characters of JSON");
        if (updatedAt == null) throw new IllegalArgumentException("updatedAt is required");
    }

    /** Refuses a section name that is blank, longer than 64 characters or holds control characters. */
    public static void checkSection(String section) {
        checkName(section, "section", 64);
    }

    /** Refuses a key that is blank, longer than 256 characters or holds control characters. */
    public static void checkKey(String key) {
        checkName(key, "key", 256);
    }

    private static void checkName(String name, String what, int max) {
        Text.require(name, "configuration " + what);
        if (name.length() > max || name.chars().anyMatch(Character::isISOControl))
            throw new IllegalArgumentException("configuration " + what + " must be 1-" + max
                    + " characters without control characters");
    }
}
