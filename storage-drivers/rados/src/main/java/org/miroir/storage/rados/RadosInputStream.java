package org.miroir.storage.rados;

import static org.miroir.storage.rados.RadosPool.ECANCELED;
import static org.miroir.storage.rados.RadosPool.ENOENT;
import static org.miroir.storage.rados.RadosPool.check;

import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes [offset, end) of one committed object, fetched a read buffer at a time: from the head, on condition that
 * its layout is still the one first read (so a replacement cannot mix versions), or from the chunks, which never
 * change. A replacement or delete while reading ends the stream with an IOException, never with mixed bytes.
 */
final class RadosInputStream extends InputStream {
    private final RadosPool pool;
    private final String key;
    private final String layoutValue;
    private final Layout layout;
    private final long end;
    private NativeBuffer buf;
    private int bufPos;
    private int bufLen;
    /** The next byte to fetch. */
    private long next;

    /** Takes ownership of {@code buf}, whose first {@code buffered} bytes are those at {@code offset}. */
    RadosInputStream(RadosPool pool, String key, String layoutValue, Layout layout, NativeBuffer buf, long offset,
            long end, int buffered) {
        this.pool = pool;
        this.key = key;
        this.layoutValue = layoutValue;
        this.layout = layout;
        this.buf = buf;
        this.end = end;
        this.bufLen = buffered;
        this.next = offset + buffered;
    }

    private boolean fill() throws IOException {
        if (buf == null) throw new IOException("stream of " + key + " is closed");
        if (next >= end) return false;
        long n = Math.min(end - next, buf.size());
        int rc;
        String source;
        if (layout.inline()) {
            source = key;
            rc = pool.readIf(key, Head.LAYOUT, layoutValue, buf, next, n);
        } else {
            int index = (int) (next / layout.chunkSize());
            long inChunk = next % layout.chunkSize();
            n = Math.min(n, layout.chunkSize() - inChunk);
            source = layout.chunk(key, index);
            rc = pool.read(source, buf, n, inChunk);
        }
        if (rc == ENOENT || rc == ECANCELED)
            throw new IOException("object " + key + " was replaced or deleted while being read");
        check(rc, "read " + source);
        if (rc == 0) throw new IOException("object " + key + " ends at " + next + ", before its recorded size");
        bufPos = 0;
        bufLen = rc;
        next += rc;
        return true;
    }

    @Override
    public int read() throws IOException {
        if (bufPos == bufLen && !fill()) return -1;
        return buf.getByte(bufPos++) & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (bufPos == bufLen && !fill()) return -1;
        int n = Math.min(len, bufLen - bufPos);
        buf.read(bufPos, b, off, n);
        bufPos += n;
        return n;
    }

    /** Skips buffered bytes, then moves the fetch position without reading. */
    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) return 0;
        if (buf == null) throw new IOException("stream of " + key + " is closed");
        long fromBuffer = Math.min(n, bufLen - bufPos);
        bufPos += (int) fromBuffer;
        long jump = Math.min(n - fromBuffer, end - next);
        next += jump;
        return fromBuffer + jump;
    }

    @Override
    public int available() {
        return bufLen - bufPos;
    }

    @Override
    public void close() {
        if (buf != null) {
            buf.free();
            buf = null;
            bufPos = bufLen = 0;
        }
    }
}
