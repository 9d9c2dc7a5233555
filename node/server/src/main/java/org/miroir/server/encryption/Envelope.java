package org.miroir.server.encryption;

import org.miroir.storage.object.CorruptObjectException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Format 1 of an object at rest (ADR 0010): a fixed header, then the plaintext in segments of {@link #SEGMENT} bytes,
 * each sealed on its own with AES-256-GCM under the object's data key, so a range read opens only the segments it
 * touches.
 *
 * <pre>
 * header (130 bytes): "MREN" | version 1 | key id length | key id, ASCII, zero-padded to 64
 *                     | wrap nonce (12) | data key sealed with the key-encryption key (32 + 16 tag)
 * segment i:          ciphertext (SEGMENT bytes, the last one 0..SEGMENT-1) | tag (16)
 * </pre>
 *
 * The data key is random per object, so a segment's nonce can be its index (never reused under one key) and reordered
 * segments fail their tag. The last segment is always short (empty when the plaintext fills whole segments) and
 * sealed as the last: a cut object fails on read. The data key's seal authenticates the header's first 70 bytes, so a
 * changed key id or version fails too. Sizes at rest follow from plaintext sizes and back, with no reading.
 */
final class Envelope {
    static final int SEGMENT = 64 * 1024;
    static final int TAG = 16;
    static final int MAX_KEY_ID = 64;
    static final int VERSION = 1;
    private static final byte[] MAGIC = "MREN".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY_ID_AT = 6;
    private static final int WRAP_NONCE_AT = KEY_ID_AT + MAX_KEY_ID;
    private static final int NONCE = 12;
    private static final int WRAPPED_AT = WRAP_NONCE_AT + NONCE;
    static final int HEADER = WRAPPED_AT + 32 + TAG;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Envelope() {}

    static boolean isValidKeyId(String id) {
        return !id.isEmpty() && id.length() <= MAX_KEY_ID && id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** Whether {@code head} (at least 4 bytes of an object's start) is this format's, not a plaintext object. */
    static boolean isEnvelope(byte[] head, int length) {
        return length >= MAGIC.length && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** A fresh data key, and the header that carries it sealed under {@code kekId}. */
    static Sealed seal(String kekId, SecretKey kek) throws GeneralSecurityException {
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        byte[] header = new byte[HEADER];
        System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
        header[4] = VERSION;
        byte[] id = kekId.getBytes(StandardCharsets.US_ASCII);
        header[5] = (byte) id.length;
        System.arraycopy(id, 0, header, KEY_ID_AT, id.length);
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, header, WRAP_NONCE_AT, NONCE);
        Cipher c = cipher();
        c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG * 8, nonce));
        c.updateAAD(header, 0, WRAP_NONCE_AT);
        c.doFinal(dataKey, 0, dataKey.length, header, WRAPPED_AT);
        return new Sealed(header, new SecretKeySpec(dataKey, "AES"));
    }

    record Sealed(byte[] header, SecretKey dataKey) {}

    /** The key id a header names (validated before any key is looked up). */
    static String keyId(byte[] header, String key) throws CorruptObjectException {
        if (header[4] != VERSION) throw new CorruptObjectException("object " + key + ": unknown format " + header[4]);
        int n = header[5] & 0xff;
        String id = new String(header, KEY_ID_AT, Math.min(n, MAX_KEY_ID), StandardCharsets.US_ASCII);
        if (n > MAX_KEY_ID || !isValidKeyId(id)) throw new CorruptObjectException("object " + key + ": bad key id");
        return id;
    }

    /** The data key sealed in {@code header}, opened with the key-encryption key it names. */
    static SecretKey open(byte[] header, SecretKey kek, String key) throws CorruptObjectException {
        try {
            Cipher c = cipher();
            c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG * 8, header, WRAP_NONCE_AT, NONCE));
            c.updateAAD(header, 0, WRAP_NONCE_AT);
            return new SecretKeySpec(c.doFinal(header, WRAPPED_AT, HEADER - WRAPPED_AT), "AES");
        } catch (AEADBadTagException e) {
            throw new CorruptObjectException("object " + key + ": its data key does not open (header damaged)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Seals or opens segment {@code index} in place ({@code out} may be {@code in}); returns the bytes produced. */
    static int segment(Cipher c, int mode, SecretKey dataKey, long index, boolean last, byte[] in, int len, byte[] out)
            throws GeneralSecurityException {
        byte[] nonce = ByteBuffer.allocate(NONCE).putLong(index).array();
        c.init(mode, dataKey, new GCMParameterSpec(TAG * 8, nonce));
        c.updateAAD(new byte[] {(byte) (last ? 1 : 0)});
        return c.doFinal(in, 0, len, out, 0);
    }

    /** Where segment {@code index} starts at rest. */
    static long segmentOffset(long index) {
        return HEADER + index * (SEGMENT + TAG);
    }

    /** The size at rest of {@code plaintext} bytes (-1 stays unknown). */
    static long sizeAtRest(long plaintext) {
        return plaintext < 0 ? -1 : HEADER + plaintext + (plaintext / SEGMENT + 1) * TAG;
    }

    /** The plaintext size of an object of {@code atRest} bytes, or -1 when no object of this format has that size. */
    static long plaintextSize(long atRest) {
        long body = atRest - HEADER;
        if (body < TAG) return -1;
        long rest = body % (SEGMENT + TAG);
        return rest < TAG ? -1 : body / (SEGMENT + TAG) * SEGMENT + rest - TAG;
    }

    static Cipher cipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }
}
