package org.miroir.dicom.data;

import java.util.ArrayList;

/**
 * Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table first, then one entry per fragment.
 * Each entry is a {@code byte[]} or a {@link BulkData} reference, so large frames need not sit in heap.
 */
public final class Fragments extends ArrayList<Object> {
    private static final long serialVersionUID = 1L;
    private final VR vr;

    public Fragments(VR vr, int initialCapacity) {
        super(initialCapacity);
        this.vr = vr;
    }

    /** The VR the element was encoded with (OB for encapsulated pixel data, UN when read as such). */
    public VR vr() { return vr; }

    @Override
    public boolean add(Object fragment) {
        if (!(fragment instanceof byte[] || fragment instanceof BulkData))
            throw new IllegalArgumentException("fragment must be byte[] or BulkData: " + fragment);
        return super.add(fragment);
    }
}
