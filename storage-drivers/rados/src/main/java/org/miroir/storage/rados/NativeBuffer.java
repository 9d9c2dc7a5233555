package org.miroir.storage.rados;

import com.sun.jna.Memory;

/**
 * Native memory handed to librados without copies, freed as soon as its reader or writer is done rather than
 * whenever the garbage collector gets to it (it does not see native memory pressure). Large buffers come from
 * mmap, so the pages a small object never touches cost nothing.
 */
final class NativeBuffer extends Memory {
    NativeBuffer(long size) {
        super(size);
    }

    void free() {
        dispose();
    }
}
