package org.miroir.storage.metadata;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The indexed header attributes of a record, encoded by the node (e.g. a DICOM data set up to Pixel Data with large
 * values left as bulk-data references), so QIDO {@code includefield} and WADO metadata are served without reading
 * objects. Opaque to drivers: they store and return the bytes, never parse them. Immutable.
 */
public final class EncodedAttributes {
    /**
     * Upper bound of one blob. Keeps records small enough for one Cassandra batch (raise
     * {@code batch_size_fail_threshold} accordingly) and bounds what a hostile header can make the index hold.
     */
    public static final int MAX_LENGTH = 256 * 1024;

    private final byte[] bytes;

    private EncodedAttributes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}; rejects blobs over {@link #MAX_LENGTH}. */
    public static EncodedAttributes of(byte[] bytes) {
        if (bytes.length > MAX_LENGTH)
            throw new IllegalArgumentException("encoded attributes of " + bytes.length + " bytes exceed " + MAX_LENGTH);
        return new EncodedAttributes(bytes.clone());
    }

    public int length() {
        return bytes.length;
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public InputStream openStream() {
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedAttributes other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "EncodedAttributes[" + bytes.length + " bytes]";
    }
}
