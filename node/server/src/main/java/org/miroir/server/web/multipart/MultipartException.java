package org.miroir.server.web.multipart;

import java.io.IOException;

/** The body is no well-formed multipart entity (RFC 2046 5.1): a missing boundary, an over-long header, truncation. */
public final class MultipartException extends IOException {
    private static final long serialVersionUID = 1L;

    public MultipartException(String message) {
        super(message);
    }
}
