package org.miroir.dicom.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the reader does with bulk values: Pixel Data (and the other pixel/waveform data elements) of the top
 * level data set, and any value longer than a threshold.
 * <ul>
 *   <li>{@link Mode#INCLUDE}: read into heap like any value (the default);</li>
 *   <li>{@link Mode#SKIP}: drop the element entirely (header-only parsing, indexing);</li>
 *   <li>{@link Mode#REFERENCE}: record a {@link org.miroir.dicom.data.BulkData} (uri, offset, length) and skip the
 *       bytes, so a large value never sits in heap. The stream must start at offset 0 of the file. Fragments of
 *       encapsulated Pixel Data each become a reference. For deflated syntaxes, where file offsets mean nothing,
 *       values are read into heap (bounded by {@link ReadLimits#maxValueLength()}).</li>
 * </ul>
 */
public final class BulkDataPolicy {
    public enum Mode { INCLUDE, SKIP, REFERENCE }

    public static final BulkDataPolicy INCLUDE = new BulkDataPolicy(Mode.INCLUDE, Long.MAX_VALUE, null, -1);

    private final Mode mode;
    private final long threshold;
    private final String uri;
    private final long fileLength;

    private BulkDataPolicy(Mode mode, long threshold, String uri, long fileLength) {
        if (threshold < 0) throw new IllegalArgumentException("negative threshold");
        this.mode = mode;
        this.threshold = threshold;
        this.uri = uri;
        this.fileLength = fileLength;
    }

    /** Drops pixel data and every value longer than {@code threshold} bytes. */
    public static BulkDataPolicy skip(long threshold) { return new BulkDataPolicy(Mode.SKIP, threshold, null, -1); }

    /**
     * References pixel data and every value longer than {@code threshold} bytes in {@code file}, which the
     * stream reads from its first byte. The file's size is checked so a truncated file fails clearly.
     */
    public static BulkDataPolicy reference(Path file, long threshold) throws IOException {
        return new BulkDataPolicy(Mode.REFERENCE, threshold, file.toAbsolutePath().toString(), Files.size(file));
    }

    public Mode mode() { return mode; }

    /** Values longer than this many bytes are bulk. */
    public long threshold() { return threshold; }

    /** The file referenced (REFERENCE mode), else null. */
    public String uri() { return uri; }

    long fileLength() { return fileLength; }

    @Override
    public String toString() { return mode + (mode == Mode.INCLUDE ? "" : " >" + threshold + (uri == null ? "" : " " + uri)); }
}
