package org.miroir.server.encryption;

import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The key-encryption keys of a key store, by id: the alias in lower case (PKCS#12 and JCEKS aliases are
 * case-insensitive). Every AES-256 secret key entry is kept, so objects wrapped with a retired key stay readable; new
 * objects use the current one. Immutable: rotating means adding a key to the store and restarting with it current.
 */
public final class KeyRing {
    private final Map<String, SecretKey> keys;
    private final String currentId;

    KeyRing(Map<String, SecretKey> keys, String currentId) {
        this.keys = Map.copyOf(keys);
        this.currentId = currentId;
        if (!this.keys.containsKey(currentId))
            throw new IllegalArgumentException("storage.encryption.currentKey '" + currentId
                    + "' is not an AES-256 secret key of the key store (it holds: " + this.keys.keySet() + ")");
    }

    public static KeyRing load(EncryptionSettings s) throws IOException {
        Map<String, SecretKey> keys = new HashMap<>();
        try (InputStream in = Files.newInputStream(s.keyStore())) {
            KeyStore ks = KeyStore.getInstance(s.keyStoreType());
            ks.load(in, s.password());
            for (String alias : Collections.list(ks.aliases())) {
                if (!ks.isKeyEntry(alias)) continue;
                Key k = ks.getKey(alias, s.password());
                if (k instanceof SecretKey sk && isAes256(sk)) keys.put(id(alias), sk);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the key store " + s.keyStore() + ": " + e.getMessage(), e);
        }
        return new KeyRing(keys, id(s.currentKey()));
    }

    private static boolean isAes256(SecretKey k) {
        byte[] encoded = k.getEncoded();
        return "AES".equalsIgnoreCase(k.getAlgorithm()) && encoded != null && encoded.length == 32;
    }

    private static String id(String alias) {
        String id = alias.toLowerCase(Locale.ROOT);
        if (!Envelope.isValidKeyId(id))
            throw new IllegalArgumentException("key alias '" + alias + "' must be 1.." + Envelope.MAX_KEY_ID
                    + " printable ASCII characters");
        return id;
    }

    public String currentId() {
        return currentId;
    }

    SecretKey current() {
        return keys.get(currentId);
    }

    /** The key {@code id}, or null when the store no longer has it. */
    SecretKey key(String id) {
        return keys.get(id);
    }
}
