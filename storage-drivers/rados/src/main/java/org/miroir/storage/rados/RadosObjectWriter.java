package org.miroir.storage.rados;

import static org.miroir.storage.rados.RadosPool.ECANCELED;
import static org.miroir.storage.rados.RadosPool.ENOENT;
import static org.miroir.storage.rados.RadosPool.check;

import java.io.IOException;
import org.miroir.storage.object.ObjectWriter;

/**
 * Collects writes in a native buffer of {@code write-buffer} bytes. An object that fits is committed inline, in one
 * operation on its head. A larger one goes to chunk objects as the buffer fills, under a lease marker on the head
 * that grows with each chunk started; commit then points the head at the chunks.
 */
final class RadosObjectWriter extends ObjectWriter {
    private final RadosObjectStore store;
    private final RadosPool pool;
    private final int chunkSize;
    private final int capacity;
    private final String writeId = Layout.newWriteId();
    private NativeBuffer buf;
    private int filled;
    /** Bytes already in chunk objects. */
    private long flushed;
    private int chunksStarted;
    /** The lease marker's current value; null until the first chunk. */
    private String marker;

    RadosObjectWriter(RadosObjectStore store, String key, long expectedSize) {
        super(key, expectedSize);
        this.store = store;
        this.pool = store.pool();
        this.chunkSize = store.settings().chunkSize();
        int wb = store.settings().writeBuffer();
        // A known small object needs no more; a lazy flush (below) keeps it inline even when it fills the buffer.
        this.capacity = expectedSize >= 0 && expectedSize < wb ? (int) Math.max(1, expectedSize) : wb;
    }

    @Override
    protected void writeData(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (buf == null) buf = new NativeBuffer(capacity);
            if (filled == capacity) flushBuffer(); // only once more data arrives: a full last buffer stays inline
            int n = Math.min(len, capacity - filled);
            buf.write(filled, b, off, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    private void flushBuffer() throws IOException {
        for (int pos = 0; pos < filled; ) {
            int index = (int) (flushed / chunkSize);
            long inChunk = flushed % chunkSize;
            if (index >= chunksStarted) lease(index + 1);
            int n = (int) Math.min(filled - pos, chunkSize - inChunk);
            String chunk = Layout.chunkName(key(), writeId, index);
            check(pool.write(chunk, buf.share(pos), n, inChunk), "write " + chunk);
            pos += n;
            flushed += n;
        }
        filled = 0;
    }

    /** Announces chunks [0, count) on the head, conditionally after the first time: a revoked lease fails here. */
    private void lease(int count) throws IOException {
        String name = Head.PENDING + writeId;
        String value = Head.marker(System.currentTimeMillis(), count);
        String previous = marker;
        int rc = previous == null
                ? pool.setXattr(key(), name, value)
                : pool.operate(key(), op -> op.expect(name, previous).set(name, value));
        if (rc == ECANCELED || rc == ENOENT)
            throw new IOException("the write of " + key() + " lost its lease: the key was deleted, or the write was "
                    + "reclaimed as abandoned");
        check(rc, "mark write of " + key());
        marker = value;
        chunksStarted = count;
    }

    @Override
    protected void persist(long size, String sha256) throws IOException {
        try {
            if (marker == null) {
                store.commit(key(), Layout.inline(writeId), size, sha256, buf, filled, null);
            } else {
                flushBuffer();
                store.commit(key(), Layout.chunks(writeId, chunkSize, chunksStarted), size, sha256, null, 0, marker);
            }
        } finally {
            release();
        }
    }

    @Override
    protected void discard() throws IOException {
        release();
        if (marker != null && store.reclaim(key(), writeId, marker)) store.removeIfEmpty(key());
    }

    private void release() {
        if (buf != null) {
            buf.free();
            buf = null;
        }
    }
}
