package org.miroir.server.storage;

import io.prometheus.client.Counter;
import io.vertx.core.Context;
import org.miroir.storage.Health;
import org.miroir.storage.object.Capacity;
import org.miroir.storage.object.ObjectPage;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.object.ObjectInfo;
import org.miroir.storage.object.ObjectWriter;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The object store as the node's services see it, watching the thread of every call. The ObjectStore contract is
 * blocking (a RADOS call waits on the network, up to its timeouts), so a call on a Vert.x event loop would stall
 * every association and request of that loop. Such a call is counted in {@code
 * miroir_event_loop_blocking_calls_total} (by call) and logged with its stack, so tests and operators see it; it
 * still runs, since failing it would turn a latency bug into lost instances. Checked: every method, and the reads
 * and close of every stream returned. A writer is used only inside the blocking task that created it (the store
 * path), so its creation is its check.
 */
public final class EventLoopCheckedObjectStore implements ObjectStore {
    private static final System.Logger LOG = System.getLogger(EventLoopCheckedObjectStore.class.getName());

    private final ObjectStore delegate;
    private final Counter calls;

    /** @param calls the counter of calls on an event loop, with one label: the call */
    public EventLoopCheckedObjectStore(ObjectStore delegate, Counter calls) {
        this.delegate = delegate;
        this.calls = calls;
    }

    private void check(String call) {
        if (!Context.isOnEventLoopThread()) return;
        calls.labels(call).inc();
        LOG.log(System.Logger.Level.WARNING, "blocking object store call '" + call + "' on event loop thread "
                + Thread.currentThread().getName(), new IllegalStateException("called from here"));
    }

    @Override
    public ObjectWriter create(String key, long expectedSize) throws IOException {
        check("create");
        return delegate.create(key, expectedSize);
    }

    @Override
    public InputStream get(String key) throws IOException {
        check("get");
        return new Checked(delegate.get(key));
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        check("get");
        return new Checked(delegate.get(key, offset, length));
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        check("stat");
        return delegate.stat(key);
    }

    @Override
    public boolean delete(String key) throws IOException {
        check("delete");
        return delegate.delete(key);
    }

    @Override
    public ObjectPage list(String pageToken, int limit) throws IOException {
        check("list");
        return delegate.list(pageToken, limit);
    }

    @Override
    public Health health() {
        check("health");
        return delegate.health();
    }

    @Override
    public Optional<Capacity> capacity() throws IOException {
        check("capacity");
        return delegate.capacity();
    }

    @Override
    public void close() throws IOException {
        check("close");
        delegate.close();
    }

    /** A stream of the store whose reads are checked too: each may be a round trip to the store. */
    private final class Checked extends FilterInputStream {
        Checked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            check("read");
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check("read");
            return in.read(b, off, len);
        }

        @Override
        public long skip(long n) throws IOException {
            check("read");
            return in.skip(n);
        }

        @Override
        public void close() throws IOException {
            check("read");
            in.close();
        }
    }
}
