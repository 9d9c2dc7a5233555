package org.miroir.storage.object;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import org.miroir.storage.digest.Sha256;

/**
 * Writes one object in chunks (e.g. P-DATA fragments as they arrive), computing its size and SHA-256 on the way.
 * Nothing is visible under the key until {@link #commit()} returns, and then the whole object is durable.
 * {@link #close()} without a commit discards the object, so a write that did not finish never becomes visible
 * (flush and commit wrapping streams yourself; closing them discards). Any write error discards it too.
 * Not thread-safe: one writer, one thread at a time.
 *
 * <p>Drivers extend this class and implement the three {@code protected} steps.
 */
public abstract class ObjectWriter extends OutputStream {
    private static final System.Logger LOG = System.getLogger(ObjectWriter.class.getName());

    private enum State { OPEN, COMMITTED, DISCARDED }

    private final String key;
    private final long expectedSize;
    private final MessageDigest digest = Sha256.newDigest();
    private long written;
    private State state = State.OPEN;

    /** @param expectedSize the size announced by the caller, or -1 when unknown; a mismatch fails the write */
    protected ObjectWriter(String key, long expectedSize) {
        this.key = ObjectKeys.requireValid(key);
        if (expectedSize < -1) throw new IllegalArgumentException("expected size must be -1 or more");
        this.expectedSize = expectedSize;
    }

    /** Takes {@code len} bytes (already counted and digested). */
    protected abstract void writeData(byte[] b, int off, int len) throws IOException;

    /** Makes the object durable and visible under its key, replacing any object there. */
    protected abstract void persist(long size, String sha256) throws IOException;

    /** Removes whatever was written; called at most once, never after {@link #persist}. */
    protected abstract void discard() throws IOException;

    public final String key() {
        return key;
    }

    public final long written() {
        return written;
    }

    @Override
    public final void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public final void write(byte[] b, int off, int len) throws IOException {
        if (state != State.OPEN) throw new IllegalStateException("object " + key + " is " + state);
        if (expectedSize >= 0 && written + len > expectedSize) {
            abort();
            throw new IOException("object " + key + " exceeds its expected size of " + expectedSize + " bytes");
        }
        try {
            writeData(b, off, len);
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
        digest.update(b, off, len);
        written += len;
    }

    /** Makes the object durable and visible; returns its size and digest. */
    public final StoredObject commit() throws IOException {
        return commit(null);
    }

    /**
     * Makes the object durable and visible if its SHA-256 is {@code expectedSha256} (hex; null: any), else discards it
     * and throws {@link DigestMismatchException}: a copy announced with its digest (replication) is kept only whole.
     */
    public final StoredObject commit(String expectedSha256) throws IOException {
        if (state != State.OPEN) throw new IllegalStateException("object " + key + " is " + state);
        if (expectedSize >= 0 && written != expectedSize) {
            abort();
            throw new DigestMismatchException("object " + key + " has " + written + " bytes, expected " + expectedSize);
        }
        String sha = Sha256.hex(digest.digest());
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha)) {
            abort();
            throw new DigestMismatchException("object " + key + " has SHA-256 " + sha + ", expected " + expectedSha256);
        }
        try {
            persist(written, sha);
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
        state = State.COMMITTED;
        return new StoredObject(key, written, sha);
    }

    /** Discards the object unless committed; never throws (leftovers are the orphan sweeper's). */
    public final void abort() {
        if (state != State.OPEN) return;
        state = State.DISCARDED;
        try {
            discard();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not discard object " + key, e);
        }
    }

    /** Discards the object unless it was committed. */
    @Override
    public final void close() {
        abort();
    }
}
