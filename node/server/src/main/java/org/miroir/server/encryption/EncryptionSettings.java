package org.miroir.server.encryption;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code storage.encryption} section: the key store holding the key-encryption keys (PKCS#12 or JCEKS, AES-256
 * secret keys, each entry under the store's password), its password (given, or the name of an environment variable
 * holding it, so it stays out of the file), the alias of the key new objects are wrapped with, and whether objects
 * written before encryption was turned on (plaintext) may still be read.
 */
public record EncryptionSettings(Path keyStore, String keyStoreType, char[] password, String currentKey,
        boolean readPlaintext) {

    /** The section's settings, or null when encryption at rest is off (no section, or {@code enabled: false}). */
    public static EncryptionSettings fromJson(JsonObject j, Map<String, String> env) {
        if (j == null || !j.getBoolean("enabled", true)) return null;
        String store = required(j, "keyStore");
        String password = j.getString("keyStorePassword");
        String variable = j.getString("keyStorePasswordEnv");
        if ((password == null) == (variable == null))
            throw new IllegalArgumentException("storage.encryption needs keyStorePassword or keyStorePasswordEnv");
        if (variable != null) {
            password = env.get(variable);
            if (password == null)
                throw new IllegalArgumentException("storage.encryption.keyStorePasswordEnv: " + variable + " is not set");
        }
        String type = j.getString("keyStoreType", store.toLowerCase(Locale.ROOT).endsWith(".jceks") ? "JCEKS" : "PKCS12");
        return new EncryptionSettings(Path.of(store), type, password.toCharArray(), required(j, "currentKey"),
                j.getBoolean("readPlaintext", true));
    }

    private static String required(JsonObject j, String key) {
        String v = j.getString(key);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("storage.encryption." + key + " is required");
        return v;
    }
}
