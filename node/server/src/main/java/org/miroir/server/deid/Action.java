package org.miroir.server.deid;

import org.miroir.dicom.data.VR;

import java.util.List;
import java.util.Set;

/**
 * What is done to one attribute, resolved from a Table E.1-1a code. A compound code ("X/Z", "Z/D", "X/Z/D") lets the
 * choice depend on the attribute's type in the IOD, which an archive exporting any SOP class does not track; the
 * choice made keeps every IOD conformant and carries nothing of the original: a dummy value where D is allowed, else
 * zero length. Sequences: U* keeps the items (references, with new UIDs), D and Z empty the sequence; kept items get
 * the profile too.
 */
enum Action {
    KEEP, REMOVE, EMPTY, DUMMY, NEW_UID, CLEAN_ITEMS;

    private static final Set<String> CODES = Set.of("D", "Z", "X", "K", "C", "U", "U*");

    static String check(String code) {
        List<String> parts = List.of(code.split("/"));
        if (parts.isEmpty() || !CODES.containsAll(parts)) throw new IllegalArgumentException("unknown action " + code);
        return code;
    }

    static Action resolve(String code, VR vr) {
        List<String> parts = List.of(code.split("/"));
        if (vr == VR.SQ) {
            if (parts.contains("U*") || parts.contains("K")) return CLEAN_ITEMS;
            // Emptied, not given dummy items: its items may hold codes (a person's, an institution's) the table omits.
            return parts.equals(List.of("X")) ? REMOVE : EMPTY;
        }
        // C (clean) keeps a value "of similar meaning": without a way to tell, a dummy value is the safe reading.
        if (parts.contains("D") || parts.contains("C")) return vr == VR.UI ? NEW_UID : DUMMY;
        if (parts.contains("Z")) return EMPTY;
        if (parts.contains("U")) return vr == VR.UI ? NEW_UID : REMOVE;
        return parts.contains("K") ? KEEP : REMOVE;
    }
}
