package org.miroir.storage.query;

/** How values of a query key compare (PS3.4 C.2.2.2 by VR). */
public enum ValueKind {
    /** LO, SH: case-sensitive, wildcards allowed. */
    TEXT,
    /** CS: case-sensitive, wildcards and value lists allowed. */
    CODE,
    /** UI: exact or list of UIDs; no wildcards. */
    UID,
    /** PN: wildcards allowed; case-insensitive when the query asks for it. */
    PERSON_NAME,
    /** DA: single date or range. */
    DATE,
    /** TM: single time or range, compared at the precision given. */
    TIME,
    /** IS: integer equality. */
    INTEGER;

    public boolean allowsWildcard() {
        return this == TEXT || this == CODE || this == PERSON_NAME;
    }

    public boolean allowsRange() {
        return this == DATE || this == TIME;
    }

    public boolean allowsList() {
        return this == UID || this == CODE;
    }
}
