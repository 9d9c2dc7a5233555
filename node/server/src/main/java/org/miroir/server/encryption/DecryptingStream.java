package org.miroir.server.encryption;

import org.miroir.storage.object.CorruptObjectException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;

/**
 * The plaintext of segments read from the store, opened one at a time as the reader gets to them (one segment held).
 * A segment that fails its tag, or an object that ends before its sealed-as-last segment, is a
 * {@link CorruptObjectException}: never a byte of unauthenticated data.
 */
final class DecryptingStream extends InputStream {
    /** Called when a range starts past the last segment read: confirms the object really ends before it. */
    @FunctionalInterface
    interface PastEnd {
        void confirm(long firstIndex) throws IOException;
    }

    private final InputStream in;
    private final String key;
    private final SecretKey dataKey;
    private final PastEnd pastEnd;
    private final Cipher cipher = Envelope.cipher();
    private final byte[] sealed = new byte[Envelope.SEGMENT + Envelope.TAG];
    private final byte[] plain = new byte[Envelope.SEGMENT];
    private long index;
    private int skip;
    private long remaining;
    private int pos, len;
    private boolean opened, ended;

    /**
     * @param in      the stored bytes from segment {@code first} on
     * @param skip    plaintext bytes of the first segment before the range
     * @param length  plaintext bytes wanted at most ({@code Long.MAX_VALUE}: to the end)
     */
    DecryptingStream(InputStream in, String key, SecretKey dataKey, long first, int skip, long length, PastEnd pastEnd) {
        this.in = in;
        this.key = key;
        this.dataKey = dataKey;
        this.index = first;
        this.skip = skip;
        this.remaining = length;
        this.pastEnd = pastEnd;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
        if (n == 0) return 0;
        if (remaining <= 0) return -1;
        while (pos == len) if (!next()) return -1;
        int k = (int) Math.min(Math.min(n, len - pos), remaining);
        System.arraycopy(plain, pos, b, off, k);
        pos += k;
        remaining -= k;
        return k;
    }

    private boolean next() throws IOException {
        if (ended || remaining <= 0) return false;
        int n = in.readNBytes(sealed, 0, sealed.length);
        if (n == 0 && !opened && index > 0) {
            pastEnd.confirm(index);
            ended = true;
            return false;
        }
        if (n < Envelope.TAG) throw new CorruptObjectException("object " + key + " is cut short at segment " + index);
        boolean last = n < sealed.length;
        try {
            len = Envelope.segment(cipher, Cipher.DECRYPT_MODE, dataKey, index, last, sealed, n, plain);
        } catch (AEADBadTagException e) {
            throw new CorruptObjectException("object " + key + ": segment " + index + " fails its authentication tag"
                    + (last ? " (or the object was cut)" : ""), e);
        } catch (GeneralSecurityException e) {
            throw new IOException("opening object " + key + ": " + e.getMessage(), e);
        }
        index++;
        opened = true;
        ended = last;
        pos = Math.min(skip, len);
        skip = 0;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
