package org.miroir.storage.query;

/** Query/Retrieve levels, top down (DICOM's "IMAGE" level is {@link #INSTANCE}). */
public enum QueryLevel {
    PATIENT,
    STUDY,
    SERIES,
    INSTANCE;

    /** Whether keys of {@code keyLevel} may be used in a query at this level (its own and those above). */
    public boolean accepts(QueryLevel keyLevel) {
        return keyLevel.ordinal() <= ordinal();
    }
}
