package org.miroir.storage.metadata;

/** What a journal entry records. */
public enum JournalOp {
    /** An instance was stored or replaced: UIDs, object key, size and digest are set. */
    STORE,
    DELETE_STUDY,
    DELETE_SERIES,
    DELETE_INSTANCE
}
