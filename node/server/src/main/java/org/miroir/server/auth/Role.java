package org.miroir.server.auth;

import java.util.Locale;

/**
 * What a user of the HTTP interfaces may do, from the roles in its token: radiologists read everything,
 * technologists store (STOW-RS), referring physicians read the studies that name them or that their token lists,
 * administrators change the configuration, delete and run the disaster-recovery operations.
 */
public enum Role {
    RADIOLOGIST, TECHNOLOGIST, REFERRING_PHYSICIAN, ADMINISTRATOR;

    /** The name in configuration and tokens: {@code radiologist}, {@code referring_physician}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
