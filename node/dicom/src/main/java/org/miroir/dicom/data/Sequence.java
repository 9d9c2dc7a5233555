package org.miroir.dicom.data;

import java.util.ArrayList;

/** The items of an SQ element; each item is a nested {@link Attributes} whose parent is the owner of the sequence. */
public final class Sequence extends ArrayList<Attributes> {
    private static final long serialVersionUID = 1L;
    private final transient Attributes parent;

    Sequence(Attributes parent, int initialCapacity) {
        super(initialCapacity);
        this.parent = parent;
    }

    public Attributes getParent() { return parent; }

    /** Appends a new empty item bound to this sequence's parent and returns it. */
    public Attributes addNewItem() {
        Attributes item = Attributes.newItem(parent);
        add(item);
        return item;
    }

    @Override
    public boolean add(Attributes item) {
        item.setParent(parent);
        return super.add(item);
    }
}
