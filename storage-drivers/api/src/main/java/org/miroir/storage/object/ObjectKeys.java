package org.miroir.storage.object;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Object key rules shared by every ObjectStore: 1..200 characters of {@code [A-Za-z0-9._-]}, starting with a letter
 * or digit, so a key is a safe file name, RADOS object name and URL segment.
 */
public final class ObjectKeys {
    public static final int MAX_LENGTH = 200;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ObjectKeys() {}

    public static String requireValid(String key) {
        if (key == null || !VALID.matcher(key).matches())
            throw new IllegalArgumentException("invalid object key: " + key);
        return key;
    }

    /**
     * A key never used before: {@code prefix} (e.g. the SOP Instance UID, for people reading listings) made safe and
     * cut to fit, then 128 random bits. Unique keys per write let a duplicate's object be deleted without touching
     * the indexed one.
     */
    public static String unique(String prefix) {
        byte[] r = new byte[16];
        RANDOM.nextBytes(r);
        String suffix = HexFormat.of().formatHex(r);
        StringBuilder b = new StringBuilder();
        if (prefix != null)
            for (int i = 0; i < prefix.length() && b.length() < MAX_LENGTH - suffix.length() - 1; i++) {
                char c = prefix.charAt(i);
                boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.'
                        || c == '_' || c == '-';
                if (ok && (b.length() > 0 || Character.isLetterOrDigit(c))) b.append(c);
            }
        return b.length() == 0 ? suffix : b.append('-').append(suffix).toString();
    }
}
