package org.miroir.storage;

import java.nio.file.Path;
import java.util.Map;

/**
 * A driver's settings as flat string pairs (from the node's YAML/JSON file or flags), with typed getters that name the
 * offending key in their errors. Each driver documents its keys in its README.
 */
public record StorageConfig(Map<String, String> values) {
    public StorageConfig {
        values = Map.copyOf(values);
    }

    public static StorageConfig of(Map<String, String> values) {
        return new StorageConfig(values);
    }

    public String require(String key) {
        String v = values.get(key);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("storage setting '" + key + "' is required");
        return v.trim();
    }

    public String get(String key, String defaultValue) {
        String v = values.get(key);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    public int getInt(String key, int defaultValue, int min, int max) {
        String v = get(key, null);
        if (v == null) return defaultValue;
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "storage setting '" + key + "' must be an integer in [" + min + ", " + max + "], was '" + v + "'");
        }
    }

    public Path requirePath(String key) {
        return Path.of(require(key));
    }
}
