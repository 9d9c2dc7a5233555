package org.miroir.storage.rados;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where a committed object's bytes are, as recorded in its head's {@code miroir.layout} xattr: {@code inline WID}
 * (in the head object itself) or {@code chunks WID CHUNKSIZE COUNT} (in objects {@code KEY~WID~0000}...). Every write
 * has a fresh write id (WID), so the value changes with every commit and serves as the head's version.
 *
 * @param count the number of chunk objects; 0 when inline
 */
record Layout(String writeId, boolean inline, int chunkSize, int count) {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** 64 random bits: unique per write, so chunk names never collide. */
    static String newWriteId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static Layout inline(String writeId) {
        return new Layout(writeId, true, 0, 0);
    }

    static Layout chunks(String writeId, int chunkSize, int count) {
        return new Layout(writeId, false, chunkSize, count);
    }

    /** The chunk object holding bytes [index * chunkSize, ...) of {@code key}. '~' never occurs in keys. */
    static String chunkName(String key, String writeId, int index) {
        return key + '~' + writeId + '~' + String.format("%04d", index);
    }

    String chunk(String key, int index) {
        return chunkName(key, writeId, index);
    }

    /** @throws IllegalStateException when the xattr is not one this driver wrote */
    static Layout parse(String value) {
        String[] p = value.split(" ");
        try {
            if (p.length == 2 && p[0].equals("inline")) return inline(p[1]);
            if (p.length == 4 && p[0].equals("chunks"))
                return chunks(p[1], Integer.parseInt(p[2]), Integer.parseInt(p[3]));
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException("unreadable object layout '" + value + "'");
    }

    @Override
    public String toString() {
        return inline ? "inline " + writeId : "chunks " + writeId + " " + chunkSize + " " + count;
    }
}
