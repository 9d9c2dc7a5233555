package org.miroir.storage;

/**
 * A store could not do what was asked: unreachable, saturated, closed, or an I/O error. The request may succeed later;
 * the node answers with an "out of resources" status (DIMSE 0xA700, HTTP 503) and reports itself not ready while
 * {@code health()} says so. Invalid requests are reported as {@link IllegalArgumentException} instead.
 */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
