package org.miroir.dicom.io;

import java.io.IOException;

/** Malformed, truncated or over-limit DICOM input: says where (byte offset) and in which element. */
public class DicomStreamException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long offset;

    public DicomStreamException(String message, long offset) {
        super(message + " at offset " + offset);
        this.offset = offset;
    }

    public DicomStreamException(String message, long offset, Throwable cause) {
        super(message + " at offset " + offset, cause);
        this.offset = offset;
    }

    /** Byte offset in the (inflated, for deflated syntaxes) stream where the problem was found. */
    public long offset() { return offset; }
}
