package org.miroir.dr.site;

/** What a site's node may do now. */
public enum SiteRole {
    /** Holds the site lease: accepts writes, ships its journal to the mirror. */
    ACTIVE,
    /** The mirror: serves reads, applies what the active site ships, refuses writes. */
    PASSIVE,
    /** Held the lease and could not renew it in time: refuses writes until the witness says otherwise. */
    FENCED
}
