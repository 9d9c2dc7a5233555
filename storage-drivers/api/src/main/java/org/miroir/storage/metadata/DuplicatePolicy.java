package org.miroir.storage.metadata;

/** What storing a SOP Instance UID that is already indexed does (decided atomically with the write). */
public enum DuplicatePolicy {
    /** Keep the indexed instance; the node answers a warning (0xB000 range) and deletes the new object. */
    IGNORE,
    /** Replace the indexed instance (it may move to another series or study); the node deletes the old object. */
    OVERWRITE,
    /** Keep the indexed instance; the node answers a failure and deletes the new object. */
    REJECT
}
