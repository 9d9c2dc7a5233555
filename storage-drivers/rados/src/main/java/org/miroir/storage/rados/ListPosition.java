package org.miroir.storage.rados;

import java.util.regex.Pattern;
import org.miroir.storage.object.ObjectKeys;

/**
 * An object's place in RADOS listing order: its hash with the bits reversed, then its name. Written as a page token
 * {@code HHHHHHHH.NAME} (the hash in hex).
 */
record ListPosition(int hash, String name) implements Comparable<ListPosition> {
    private static final Pattern HEX8 = Pattern.compile("[0-9a-f]{8}");

    static ListPosition of(String namespace, String name) {
        return new ListPosition(ObjectHash.of(namespace, name), name);
    }

    static ListPosition parse(String token) {
        int dot = token.indexOf('.');
        if (dot != 8 || !HEX8.matcher(token.substring(0, 8)).matches())
            throw new IllegalArgumentException("invalid listing token: " + token);
        String name = ObjectKeys.requireValid(token.substring(9));
        return new ListPosition(Integer.parseUnsignedInt(token.substring(0, 8), 16), name);
    }

    @Override
    public int compareTo(ListPosition o) {
        int c = Long.compare(ObjectHash.position(hash), ObjectHash.position(o.hash));
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return String.format("%08x.%s", hash, name);
    }
}
