package org.miroir.dicom.data;

import java.util.Objects;

/**
 * A value kept outside the heap: {@code length} bytes at {@code offset} of the resource {@code uri}
 * (a file path or an object key), already in little-endian byte order when {@code bigEndian} is false.
 */
public record BulkData(String uri, long offset, long length, boolean bigEndian) {
    public BulkData {
        Objects.requireNonNull(uri, "uri");
        if (offset < 0 || length < 0) throw new IllegalArgumentException("negative offset or length");
    }
}
