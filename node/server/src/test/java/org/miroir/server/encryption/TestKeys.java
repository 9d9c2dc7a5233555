package org.miroir.server.encryption;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;

/** PKCS#12 key stores of AES-256 keys for tests, as {@code keytool -genseckey} makes them. */
public final class TestKeys {
    public static final String PASSWORD = "changeit";

    private TestKeys() {}

    /** A key store at {@code file} holding {@code keys} by alias (new random keys: {@link #newKey()}). */
    public static Path write(Path file, Map<String, SecretKey> keys) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (var e : keys.entrySet())
                ks.setEntry(e.getKey(), new KeyStore.SecretKeyEntry(e.getValue()),
                        new KeyStore.PasswordProtection(PASSWORD.toCharArray()));
            try (OutputStream out = Files.newOutputStream(file)) {
                ks.store(out, PASSWORD.toCharArray());
            }
            return file;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    public static SecretKey newKey() {
        try {
            KeyGenerator g = KeyGenerator.getInstance("AES");
            g.init(256);
            return g.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key ring of the store at {@code file} with {@code current} the current key. */
    static KeyRing ring(Path file, String current) throws IOException {
        return KeyRing.load(new EncryptionSettings(file, "PKCS12", PASSWORD.toCharArray(), current, true));
    }
}
