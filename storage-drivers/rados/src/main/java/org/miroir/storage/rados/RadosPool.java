package org.miroir.storage.rados;

import static org.miroir.storage.rados.Librados.LIB;

import com.ceph.rados.IoCTX;
import com.ceph.rados.Rados;
import com.ceph.rados.RadosBase;
import com.ceph.rados.exceptions.RadosException;
import com.ceph.rados.jna.RadosClusterInfo;
import com.ceph.rados.jna.RadosPoolInfo;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.miroir.storage.StorageException;
import org.miroir.storage.object.Capacity;

/**
 * One connection to a pool (in a namespace): the librados calls the store makes, each blocking on the caller's
 * thread and bounded by the configured operation timeout. Thread-safe: librados allows concurrent operations on one
 * I/O context. Closing waits for the calls under way, then makes every later call fail with an IOException.
 */
final class RadosPool implements AutoCloseable {
    static final int ENOENT = -2;
    static final int EEXIST = -17;
    static final int ECANCELED = -125;

    // Held for as long as the I/O context is used: Rados's finalizer shuts the connection down.
    private final Rados rados;
    private final IoCTX ioctx;
    private final Pointer io;
    private final String description;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private RadosPool(Rados rados, IoCTX ioctx, String description) {
        this.rados = rados;
        this.ioctx = ioctx;
        this.io = ioctx.getPointer();
        this.description = description;
    }

    /** Connects with {@code options} set over the conf file; fails within the connect timeout. */
    static RadosPool connect(RadosSettings s, Map<String, String> options) {
        String where = "pool '" + s.pool() + "'" + (s.namespace().isEmpty() ? "" : " namespace '" + s.namespace() + "'")
                + " via " + (s.monHost() != null ? "mon_host " + s.monHost() : s.confFile());
        Rados rados = new Rados(s.user());
        try {
            if (s.confFile() != null) rados.confReadFile(new File(s.confFile()));
            if (s.monHost() != null) rados.confSet("mon_host", s.monHost());
            if (s.keyring() != null) rados.confSet("keyring", s.keyring());
            for (Map.Entry<String, String> o : options.entrySet()) rados.confSet(o.getKey(), o.getValue());
        } catch (RadosException e) {
            rados.shutDown();
            throw new IllegalArgumentException("invalid Ceph settings for " + where + ": " + e.getMessage(), e);
        }
        IoCTX ioctx;
        try {
            rados.connect();
            ioctx = rados.ioCtxCreate(s.pool());
        } catch (RadosException e) {
            rados.shutDown();
            String hint = e.getReturnValue() == ENOENT ? " (does the pool exist? ceph osd pool create " + s.pool()
                    + ")" : "";
            throw new StorageException("cannot open Ceph " + where + ": " + e.getMessage() + hint, e);
        }
        ioctx.setNamespace(s.namespace());
        return new RadosPool(rados, ioctx, where);
    }

    String description() {
        return description;
    }

    /** Runs one native call unless closed; the read lock lets calls run together and keeps close() out. */
    private int call(String what, java.util.function.IntSupplier nativeCall) throws IOException {
        lock.readLock().lock();
        try {
            if (closed) throw new IOException("the Ceph object store is closed (" + what + ")");
            return nativeCall.getAsInt();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The pool's stored bytes and the cluster's raw size and free space (librados counts those in KiB). */
    Capacity capacity() throws IOException {
        lock.readLock().lock();
        try {
            if (closed) throw new IOException("the Ceph object store is closed (capacity)");
            RadosClusterInfo cluster = rados.clusterStat();
            RadosPoolInfo pool = ioctx.poolStat();
            long size = cluster.kb << 10;
            return new Capacity(size, pool.num_bytes, Math.min(size, cluster.kb_avail << 10));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Throws the RadosException matching a negative return code (ETIMEDOUT gives RadosTimeoutException). */
    static int check(int rc, String what) throws RadosException {
        if (rc < 0) RadosBase.throwException(rc, what);
        return rc;
    }

    int write(String oid, Pointer buf, long len, long offset) throws IOException {
        return operate(oid, op -> op.write(buf, len, offset));
    }

    /** Bytes read, or a negative error code. */
    int read(String oid, Pointer buf, long len, long offset) throws IOException {
        return call("read " + oid, () -> LIB.rados_read(io, oid, buf, len, offset));
    }

    int remove(String oid) throws IOException {
        return operate(oid, WriteOp::remove);
    }

    int setXattr(String oid, String name, String value) throws IOException {
        return operate(oid, op -> op.set(name, value));
    }

    int stat(String oid) throws IOException {
        return call("stat " + oid, () -> LIB.rados_stat(io, oid, new LongByReference(), new LongByReference()));
    }

    /**
     * Runs the operations {@code ops} adds, atomically: all apply or none. Returns the error code: ENOSPC at once
     * when the pool is full (librados would otherwise hold the write until the timeout).
     */
    int operate(String oid, Consumer<WriteOp> ops) throws IOException {
        return call("update " + oid, () -> {
            Pointer op = LIB.rados_create_write_op();
            try {
                ops.accept(new WriteOp(op));
                return LIB.rados_write_op_operate(op, io, oid, null, Librados.OPERATION_FULL_TRY);
            } finally {
                LIB.rados_release_write_op(op);
            }
        });
    }

    /** Operations of one atomic update; buffers and strings are copied when added. */
    record WriteOp(Pointer op) {
        /** Fails the update with ECANCELED unless xattr {@code name} equals {@code value} (missing = ""). */
        WriteOp expect(String name, String value) {
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            LIB.rados_write_op_cmpxattr(op, name, Librados.CMPXATTR_EQ, v, v.length);
            return this;
        }

        /** Fails the update with EEXIST if the object exists. */
        WriteOp createExclusive() {
            LIB.rados_write_op_create(op, Librados.CREATE_EXCLUSIVE, null);
            return this;
        }

        WriteOp set(String name, String value) {
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            LIB.rados_write_op_setxattr(op, name, v, v.length);
            return this;
        }

        WriteOp unset(String name) {
            LIB.rados_write_op_rmxattr(op, name);
            return this;
        }

        WriteOp write(Pointer buf, long len, long offset) {
            LIB.rados_write_op_write(op, buf, len, offset);
            return this;
        }

        WriteOp writeFull(Pointer buf, long len) {
            LIB.rados_write_op_write_full(op, buf, len);
            return this;
        }

        WriteOp truncate() {
            LIB.rados_write_op_truncate(op, 0);
            return this;
        }

        WriteOp remove() {
            LIB.rados_write_op_remove(op);
            return this;
        }
    }

    /**
     * Reads an object's xattrs and up to {@code len} bytes of its data from {@code offset} into {@code buf} in one
     * atomic operation; {@code null} when the object does not exist. {@code bytes} receives the count read.
     */
    Head readHead(String oid, Pointer buf, long offset, long len, long[] bytes) throws IOException {
        int[] rc = new int[1];
        Map<String, String> xattrs = new LinkedHashMap<>();
        call("read " + oid, () -> {
            Pointer op = LIB.rados_create_read_op();
            PointerByReference iter = new PointerByReference();
            IntByReference xattrsRc = new IntByReference();
            LongByReference read = new LongByReference();
            IntByReference readRc = new IntByReference();
            try {
                LIB.rados_read_op_getxattrs(op, iter, xattrsRc);
                if (len > 0) LIB.rados_read_op_read(op, offset, len, buf, read, readRc);
                rc[0] = LIB.rados_read_op_operate(op, io, oid, 0);
                if (rc[0] == 0 && xattrsRc.getValue() < 0) rc[0] = xattrsRc.getValue();
                if (rc[0] == 0 && len > 0 && readRc.getValue() < 0) rc[0] = readRc.getValue();
                if (rc[0] == 0) {
                    collect(iter.getValue(), xattrs);
                    if (bytes != null) bytes[0] = len > 0 ? read.getValue() : 0;
                }
            } finally {
                LIB.rados_release_read_op(op);
            }
            return 0;
        });
        if (rc[0] == ENOENT) return null;
        check(rc[0], "read " + oid);
        return new Head(xattrs);
    }

    private static void collect(Pointer iter, Map<String, String> into) {
        if (iter == null) return;
        try {
            PointerByReference name = new PointerByReference();
            PointerByReference value = new PointerByReference();
            LongByReference len = new LongByReference();
            while (LIB.rados_getxattrs_next(iter, name, value, len) == 0 && name.getValue() != null) {
                byte[] v = len.getValue() == 0 ? new byte[0] : value.getValue().getByteArray(0, (int) len.getValue());
                into.put(name.getValue().getString(0, StandardCharsets.UTF_8.name()),
                        new String(v, StandardCharsets.UTF_8));
            }
        } finally {
            LIB.rados_getxattrs_end(iter);
        }
    }

    /**
     * Reads up to {@code len} bytes from {@code offset} only if xattr {@code name} still equals {@code value}:
     * ECANCELED when it changed. Returns the count read or a negative error code.
     */
    int readIf(String oid, String name, String value, Pointer buf, long offset, long len) throws IOException {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return call("read " + oid, () -> {
            Pointer op = LIB.rados_create_read_op();
            LongByReference read = new LongByReference();
            IntByReference readRc = new IntByReference();
            try {
                LIB.rados_read_op_cmpxattr(op, name, Librados.CMPXATTR_EQ, v, v.length);
                LIB.rados_read_op_read(op, offset, len, buf, read, readRc);
                int rc = LIB.rados_read_op_operate(op, io, oid, 0);
                if (rc < 0) return rc;
                return readRc.getValue() < 0 ? readRc.getValue() : (int) read.getValue();
            } finally {
                LIB.rados_release_read_op(op);
            }
        });
    }

    /** A listing of the namespace's objects in RADOS order, from the position of {@code hash} when given. */
    Listing list(Integer hash) throws IOException {
        PointerByReference ctx = new PointerByReference();
        check(call("list", () -> LIB.rados_nobjects_list_open(io, ctx)), "list " + description);
        Listing l = new Listing(ctx.getValue());
        if (hash != null) call("list", () -> LIB.rados_nobjects_list_seek(l.ctx, hash));
        return l;
    }

    /** An open listing; not thread-safe. Close it. */
    final class Listing implements AutoCloseable {
        private final Pointer ctx;
        private final PointerByReference entry = new PointerByReference();
        private final PointerByReference key = new PointerByReference();
        private final PointerByReference nspace = new PointerByReference();
        private boolean open = true;

        private Listing(Pointer ctx) {
            this.ctx = ctx;
        }

        /** The next object name, or {@code null} at the end. */
        String next() throws IOException {
            int rc = call("list", () -> LIB.rados_nobjects_list_next(ctx, entry, key, nspace));
            if (rc == ENOENT) return null;
            check(rc, "list " + description);
            return entry.getValue().getString(0, StandardCharsets.UTF_8.name());
        }

        @Override
        public void close() {
            if (!open) return;
            open = false;
            lock.readLock().lock();
            try {
                if (!closed) LIB.rados_nobjects_list_close(ctx);
            } finally {
                lock.readLock().unlock();
            }
        }
    }

    /** Waits for calls under way (each bounded by the operation timeout), then disconnects. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            rados.ioCtxDestroy(ioctx);
            rados.shutDown();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
