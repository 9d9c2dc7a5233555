package org.miroir.storage.rados;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The librados C calls com.ceph:rados 0.6.0 does not offer (compound write and read operations, xattr comparison,
 * listing with seek) or offers only with a whole-array copy (reads and writes of part of a native buffer). The
 * connection itself stays with {@link com.ceph.rados.Rados}. {@code size_t} is mapped to {@code long}: 64-bit only.
 */
interface Librados extends Library {
    Librados LIB = Native.load("rados", Librados.class);

    byte CMPXATTR_EQ = 1;
    int CREATE_EXCLUSIVE = 1;
    /** Fail with ENOSPC on a full pool instead of waiting for space; deletes still proceed. */
    int OPERATION_FULL_TRY = 64;

    int rados_read(Pointer io, String oid, Pointer buf, long len, long off);

    int rados_stat(Pointer io, String oid, LongByReference size, LongByReference mtime);

    Pointer rados_create_write_op();

    void rados_release_write_op(Pointer op);

    void rados_write_op_create(Pointer op, int exclusive, String category);

    void rados_write_op_cmpxattr(Pointer op, String name, byte comparison, byte[] value, long len);

    void rados_write_op_setxattr(Pointer op, String name, byte[] value, long len);

    void rados_write_op_rmxattr(Pointer op, String name);

    void rados_write_op_write(Pointer op, Pointer buf, long len, long offset);

    void rados_write_op_write_full(Pointer op, Pointer buf, long len);

    void rados_write_op_truncate(Pointer op, long offset);

    void rados_write_op_remove(Pointer op);

    int rados_write_op_operate(Pointer op, Pointer io, String oid, Pointer mtime, int flags);

    Pointer rados_create_read_op();

    void rados_release_read_op(Pointer op);

    void rados_read_op_cmpxattr(Pointer op, String name, byte comparison, byte[] value, long len);

    void rados_read_op_getxattrs(Pointer op, PointerByReference iter, IntByReference prval);

    void rados_read_op_read(Pointer op, long offset, long len, Pointer buf, LongByReference bytesRead,
            IntByReference prval);

    int rados_read_op_operate(Pointer op, Pointer io, String oid, int flags);

    int rados_getxattrs_next(Pointer iter, PointerByReference name, PointerByReference value, LongByReference len);

    void rados_getxattrs_end(Pointer iter);

    int rados_nobjects_list_open(Pointer io, PointerByReference ctx);

    int rados_nobjects_list_next(Pointer ctx, PointerByReference entry, PointerByReference key,
            PointerByReference nspace);

    int rados_nobjects_list_seek(Pointer ctx, int hashPosition);

    void rados_nobjects_list_close(Pointer ctx);
}
