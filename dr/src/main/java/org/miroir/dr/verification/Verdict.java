package org.miroir.dr.verification;

/** What the mirror found for one instance it was asked to check. */
public enum Verdict {
    /** Indexed as on the active site, the object whole (size and SHA-256 recomputed from its bytes). */
    OK,
    /** Not indexed, or its object is gone. */
    MISSING,
    /** The object's bytes are not the active site's (size or SHA-256 differ). */
    CORRUPT,
    /** Indexed differently (another object, study, series, size or digest recorded). */
    METADATA
}
