package org.miroir.storage.rados;

import java.nio.charset.StandardCharsets;

/**
 * Where RADOS puts an object in its listing order. The OSDs list a pool in the order of the object's hash with its
 * bits reversed, then by name; the hash is Bob Jenkins' 1996 lookup2 function over the name (prefixed with
 * {@code namespace + '\037'} in a namespace), Ceph's default {@code rjenkins} pool hash. Knowing it lets a listing
 * resume after any object, without server-side cursors. `ceph osd map POOL NAME [NAMESPACE]` prints the same hash.
 */
final class ObjectHash {
    private ObjectHash() {}

    /** The 32-bit hash RADOS computes for {@code name} in {@code namespace} ("" for none). */
    static int of(String namespace, String name) {
        String in = namespace.isEmpty() ? name : namespace + '\037' + name;
        return lookup2(in.getBytes(StandardCharsets.UTF_8));
    }

    /** The listing position of a hash: its bits reversed, as an unsigned number. */
    static long position(int hash) {
        return Integer.toUnsignedLong(Integer.reverse(hash));
    }

    private static int lookup2(byte[] k) {
        int[] abc = {0x9e3779b9, 0x9e3779b9, 0}; // a and b start at the golden ratio; initval (c) is 0
        int i = 0, len = k.length;
        for (; len >= 12; i += 12, len -= 12) {
            abc[0] += word(k, i);
            abc[1] += word(k, i + 4);
            abc[2] += word(k, i + 8);
            mix(abc);
        }
        abc[2] += k.length;
        // The last 0..11 bytes: 0..3 go to a, 4..7 to b, 8..10 to c above its low byte (which took the length).
        for (int j = 0; j < len; j++) {
            int v = k[i + j] & 0xFF;
            if (j < 4) abc[0] += v << (8 * j);
            else if (j < 8) abc[1] += v << (8 * (j - 4));
            else abc[2] += v << (8 * (j - 7));
        }
        mix(abc);
        return abc[2];
    }

    private static void mix(int[] abc) {
        int a = abc[0], b = abc[1], c = abc[2];
        a -= b; a -= c; a ^= c >>> 13;
        b -= c; b -= a; b ^= a << 8;
        c -= a; c -= b; c ^= b >>> 13;
        a -= b; a -= c; a ^= c >>> 12;
        b -= c; b -= a; b ^= a << 16;
        c -= a; c -= b; c ^= b >>> 5;
        a -= b; a -= c; a ^= c >>> 3;
        b -= c; b -= a; b ^= a << 10;
        c -= a; c -= b; c ^= b >>> 15;
        abc[0] = a;
        abc[1] = b;
        abc[2] = c;
    }

    private static int word(byte[] k, int i) {
        return (k[i] & 0xFF) | (k[i + 1] & 0xFF) << 8 | (k[i + 2] & 0xFF) << 16 | (k[i + 3] & 0xFF) << 24;
    }
}
