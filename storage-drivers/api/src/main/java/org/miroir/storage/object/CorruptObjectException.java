package org.miroir.storage.object;

import java.io.IOException;

/**
 * An object's stored bytes fail their integrity check on read (an authentication tag, a cut end): the store refuses
 * them rather than hand out wrong data. The object needs repair (a replica, a backup), not a retry.
 */
public final class CorruptObjectException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptObjectException(String message) {
        super(message);
    }

    public CorruptObjectException(String message, Throwable cause) {
        super(message, cause);
    }
}
