package org.miroir.storage.object;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.miroir.storage.Health;

/**
 * Whole DICOM objects by key. Blocking, stream-based: call it from worker threads, never from an event loop.
 * Thread-safe. Keys follow {@link ObjectKeys}; invalid ones are an {@link IllegalArgumentException}.
 */
public interface ObjectStore extends AutoCloseable {

    /**
     * Starts writing {@code key}; see {@link ObjectWriter}. {@code expectedSize} is -1 when unknown.
     * Committing over an existing key replaces it atomically: readers see the old or the new object, whole.
     */
    ObjectWriter create(String key, long expectedSize) throws IOException;

    /** Streams {@code in} (to its end, not closed) into {@code key}; durable when this returns. */
    default StoredObject put(String key, InputStream in, long expectedSize) throws IOException {
        try (ObjectWriter w = create(key, expectedSize)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) != -1; ) w.write(buf, 0, n);
            return w.commit();
        }
    }

    /** The whole object; the caller closes the stream. */
    InputStream get(String key) throws IOException;

    /**
     * {@code length} bytes from {@code offset}, fewer when the object ends first (none when {@code offset} is at or
     * past its end).
     */
    InputStream get(String key, long offset, long length) throws IOException;

    Optional<ObjectInfo> stat(String key) throws IOException;

    /** Removes {@code key}; {@code false} when there was no such object. */
    boolean delete(String key) throws IOException;

    /**
     * Committed objects (never ones being written), at most {@code limit} (1..10,000) per page, in a stable order;
     * {@code pageToken} is {@code null} for the first page. Objects added or removed while listing may or may not
     * appear; others appear exactly once.
     */
    ObjectPage list(String pageToken, int limit) throws IOException;

    /** Whether objects can be read and written now. Never throws. */
    Health health();

    /**
     * The storage's size, use and free space, when the backend tells them (what a driver means by each is in its
     * README); empty when it does not. A few calls to the backend at most: callers ask every few seconds.
     */
    default Optional<Capacity> capacity() throws IOException {
        return Optional.empty();
    }

    @Override
    void close() throws IOException;
}
