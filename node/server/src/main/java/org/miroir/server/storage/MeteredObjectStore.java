package org.miroir.server.storage;

import org.miroir.storage.Health;
import org.miroir.storage.object.Capacity;
import org.miroir.storage.object.ObjectInfo;
import org.miroir.storage.object.ObjectPage;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.object.ObjectWriter;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * An object store whose calls are timed and whose failures are counted ({@link CallMeter}), failed reads of a
 * returned stream included (call {@code read}). A writer's writes and commit are timed by the store path's
 * {@code object_write} stage instead: wrapping the writer would digest every byte twice.
 */
public final class MeteredObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final CallMeter meter;

    MeteredObjectStore(ObjectStore delegate, CallMeter meter) {
        this.delegate = delegate;
        this.meter = meter;
    }

    @Override
    public ObjectWriter create(String key, long expectedSize) throws IOException {
        return meter.sync("create", () -> delegate.create(key, expectedSize));
    }

    @Override
    public InputStream get(String key) throws IOException {
        return new Metered(meter.sync("get", () -> delegate.get(key)));
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        return new Metered(meter.sync("get", () -> delegate.get(key, offset, length)));
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        return meter.sync("stat", () -> delegate.stat(key));
    }

    @Override
    public boolean delete(String key) throws IOException {
        return meter.sync("delete", () -> delegate.delete(key));
    }

    @Override
    public ObjectPage list(String pageToken, int limit) throws IOException {
        return meter.sync("list", () -> delegate.list(pageToken, limit));
    }

    /** A store that answers "down" counts as an unavailable call. */
    @Override
    public Health health() {
        Health h = meter.sync("health", delegate::health);
        if (!h.up()) meter.failed("health", "unavailable");
        return h;
    }

    @Override
    public Optional<Capacity> capacity() throws IOException {
        return meter.sync("capacity", delegate::capacity);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    private final class Metered extends FilterInputStream {
        Metered(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException | RuntimeException e) {
                meter.failed("read", e);
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                meter.failed("read", e);
                throw e;
            }
        }
    }
}
