package org.miroir.storage.object;

import java.io.IOException;

/** An object's bytes are not those announced (size or SHA-256): it was discarded, nothing is visible. */
public final class DigestMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    public DigestMismatchException(String message) {
        super(message);
    }
}
