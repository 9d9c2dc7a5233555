package org.miroir.server.auth;

import java.util.Locale;
import java.util.Set;

/**
 * Who an HTTP request comes from: the token's subject and name, its roles, and for a referring physician the person
 * name studies must name in Referring Physician's Name and the Study Instance UIDs its token lists. In open mode
 * every request is {@link #OPEN}, with every role.
 */
public record User(String subject, String name, Set<Role> roles, String referringPhysicianName,
        Set<String> studies) {
    public static final User OPEN = new User("anonymous", null, Set.of(Role.values()), null, Set.of());

    public User {
        roles = Set.copyOf(roles);
        studies = Set.copyOf(studies);
    }

    public boolean has(Role r) {
        return roles.contains(r);
    }

    /** Reads limited to its own studies: a referring physician without the radiologist's role. */
    public boolean restricted() {
        return has(Role.REFERRING_PHYSICIAN) && !has(Role.RADIOLOGIST);
    }

    /** Whether a study with this UID and Referring Physician's Name (DICOM PN, may be null) may be read. */
    public boolean mayRead(String studyInstanceUid, String referringPhysician) {
        if (!restricted()) return has(Role.RADIOLOGIST);
        if (studies.contains(studyInstanceUid)) return true;
        return referringPhysicianName != null && referringPhysician != null
                && personName(referringPhysician).equals(personName(referringPhysicianName));
    }

    /** The alphabetic group of a PN, upper case, without trailing empty components: "Doe^John^^" is "DOE^JOHN". */
    static String personName(String pn) {
        String alphabetic = pn.split("=", -1)[0].strip().toUpperCase(Locale.ROOT);
        int end = alphabetic.length();
        while (end > 0 && (alphabetic.charAt(end - 1) == '^' || alphabetic.charAt(end - 1) == ' ')) end--;
        return alphabetic.substring(0, end);
    }
}
