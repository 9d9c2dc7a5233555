package org.miroir.storage.digest;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 digests as lowercase hex, the one form used in records, journal entries and object metadata. */
public final class Sha256 {
    /** Length of the hex form. */
    public static final int HEX_LENGTH = 64;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Sha256() {}

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /** Lowercase hex of any byte array (e.g. {@code newDigest().digest()}). */
    public static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }

    public static String of(byte[] data) {
        return hex(newDigest().digest(data));
    }

    /** Digest of everything left in {@code in}, streamed (the stream is not closed). */
    public static String of(InputStream in) throws IOException {
        return measure(in).sha256();
    }

    /** How many bytes a stream had, and their digest. */
    public record Measured(long size, String sha256) {}

    /** Size and digest of everything left in {@code in}, streamed (the stream is not closed). */
    public static Measured measure(InputStream in) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[64 * 1024];
        long size = 0;
        for (int n; (n = in.read(buf)) != -1; size += n) md.update(buf, 0, n);
        return new Measured(size, hex(md.digest()));
    }

    /** Whether {@code s} is a well-formed lowercase hex SHA-256. */
    public static boolean isHex(String s) {
        if (s == null || s.length() != HEX_LENGTH) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }
}
