package org.miroir.dicom.io;

/**
 * Bounds for reading untrusted input, so a hostile or broken stream ends in a {@link DicomStreamException}
 * instead of an {@link OutOfMemoryError}, a stack overflow or a near-endless parse.
 *
 * @param maxValueLength largest value (or fragment) held in heap, in bytes; values beyond it fail unless
 *                       the {@link BulkDataPolicy} skips or references them
 * @param maxTotalBytes  largest stream, in bytes (after inflation for deflated syntaxes)
 * @param maxDepth       deepest sequence nesting (top level data set = 0)
 * @param maxElements    most elements (items and fragments included) in one read
 */
public record ReadLimits(long maxValueLength, long maxTotalBytes, int maxDepth, long maxElements) {
    /** Java arrays stop a little below 2 GiB. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Generous enough for any real instance; values still grow only as their bytes arrive. */
    public static final ReadLimits DEFAULT = new ReadLimits(MAX_ARRAY, Long.MAX_VALUE, 64, 4_000_000);

    public ReadLimits {
        if (maxValueLength < 0 || maxValueLength > MAX_ARRAY) throw new IllegalArgumentException("maxValueLength " + maxValueLength);
        if (maxTotalBytes < 0 || maxDepth < 0 || maxElements < 0) throw new IllegalArgumentException("negative limit");
    }

    public ReadLimits withMaxValueLength(long v) { return new ReadLimits(v, maxTotalBytes, maxDepth, maxElements); }

    public ReadLimits withMaxTotalBytes(long v) { return new ReadLimits(maxValueLength, v, maxDepth, maxElements); }

    public ReadLimits withMaxDepth(int v) { return new ReadLimits(maxValueLength, maxTotalBytes, v, maxElements); }

    public ReadLimits withMaxElements(long v) { return new ReadLimits(maxValueLength, maxTotalBytes, maxDepth, v); }
}
