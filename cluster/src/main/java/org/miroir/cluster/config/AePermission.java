package org.miroir.cluster.config;

import java.util.Locale;

/**
 * What a registered AE may ask of the archive over DICOM, per service: {@code store} (C-STORE), {@code query}
 * (Q/R C-FIND), {@code retrieve} (C-MOVE, C-GET) and {@code worklist} (Modality Worklist C-FIND, MPPS).
 * Verification needs none.
 */
public enum AePermission {
    STORE, QUERY, RETRIEVE, WORKLIST;

    /** The name in the registry's JSON. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AePermission of(String key) {
        for (AePermission p : values()) if (p.key().equals(key)) return p;
        throw new IllegalArgumentException("unknown permission '" + key + "' (store, query, retrieve, worklist)");
    }
}
