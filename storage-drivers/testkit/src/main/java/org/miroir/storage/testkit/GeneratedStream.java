package org.miroir.storage.testkit;

import java.io.InputStream;

/**
 * Deterministic pseudo-random bytes made on the fly, so a test can stream hundreds of MiB without holding them: the
 * byte at any position is a function of (seed, position), which also gives any range's expected content.
 */
public final class GeneratedStream extends InputStream {
    private final long seed;
    private final long end;
    private long pos;

    /** The bytes [offset, size) of the object {@code (seed, size)}. */
    public GeneratedStream(long seed, long size, long offset) {
        this.seed = seed;
        this.end = size;
        this.pos = Math.min(offset, size);
    }

    public GeneratedStream(long seed, long size) {
        this(seed, size, 0);
    }

    @Override
    public int read() {
        if (pos >= end) return -1;
        return byteAt(pos++) & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) return 0;
        if (pos >= end) return -1;
        int n = (int) Math.min(len, end - pos);
        int i = 0;
        while (i < n) {
            long word = mix(seed + (pos >>> 3));
            for (int shift = (int) (pos & 7); shift < 8 && i < n; shift++, i++, pos++)
                b[off + i] = (byte) (word >>> (shift * 8));
        }
        return n;
    }

    @Override
    public long skip(long n) {
        long k = Math.max(0, Math.min(n, end - pos));
        pos += k;
        return k;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - pos);
    }

    private byte byteAt(long p) {
        return (byte) (mix(seed + (p >>> 3)) >>> ((p & 7) * 8));
    }

    /** SplitMix64's finaliser: cheap and well distributed. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
