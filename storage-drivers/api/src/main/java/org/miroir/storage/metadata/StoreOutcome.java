package org.miroir.storage.metadata;

/**
 * What a store did. Once its stage completes, a written instance is durable and queryable.
 *
 * @param previous        the instance that was already indexed under the SOP Instance UID, or {@code null}
 * @param journalPosition position of the journal entry written with it, or {@code null} when nothing was written
 */
public record StoreOutcome(Status status, InstanceRecord previous, String journalPosition) {
    public enum Status {
        /** A new instance was indexed. */
        STORED,
        /** An indexed instance was replaced ({@link DuplicatePolicy#OVERWRITE}); {@code previous} holds it. */
        REPLACED,
        /** A duplicate was ignored ({@link DuplicatePolicy#IGNORE}); nothing written. */
        IGNORED,
        /** A duplicate was refused ({@link DuplicatePolicy#REJECT}); nothing written. */
        REJECTED
    }

    public StoreOutcome {
        if (status == null) throw new IllegalArgumentException("status is required");
        if ((status == Status.STORED) != (previous == null))
            throw new IllegalArgumentException(status + " with previous=" + previous);
        boolean written = status == Status.STORED || status == Status.REPLACED;
        if (written != (journalPosition != null))
            throw new IllegalArgumentException(status + " with journal position " + journalPosition);
    }

    /** Whether the index changed (and a journal entry was written). */
    public boolean written() {
        return status == Status.STORED || status == Status.REPLACED;
    }
}
