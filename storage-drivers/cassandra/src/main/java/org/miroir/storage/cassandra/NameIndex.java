package org.miroir.storage.cassandra;

/**
 * Patients by the start of their folded name ({@code patient_by_name}), for PatientName wildcards: SAI matches only
 * whole values, so without this table {@code DOE*} scans every patient. A row's partition is the first
 * {@value #PREFIX} code points of the folded name, its clustering the whole folded name, so a pattern whose literal
 * start is at least that long reads one slice of one partition. Shorter literal starts ({@code D*}, {@code *DOE})
 * still scan. Rows are candidates only: the finder checks each patient's current name, so a row left behind by a
 * rename costs a read, never a wrong match.
 */
final class NameIndex {
    /** Code points in the partition key: long enough to spread a hospital's names, short enough for {@code SMI*}. */
    static final int PREFIX = 3;

    /** The slice of {@code patient_by_name} a pattern's literal start covers: {@code lower <= name < upper}. */
    record Slice(String prefix, String lower, String upper) {}

    private NameIndex() {}

    /** The partition of a folded name; {@code null} for an absent or empty name (not indexed). */
    static String prefix(String folded) {
        if (folded == null || folded.isEmpty()) return null;
        int n = folded.codePointCount(0, folded.length());
        return folded.substring(0, folded.offsetByCodePoints(0, Math.min(PREFIX, n)));
    }

    /**
     * The slice that holds every folded name matching a folded wildcard pattern, or {@code null} when the pattern's
     * literal start is shorter than {@link #PREFIX} (or cannot be bounded), so the caller must scan.
     */
    static Slice slice(String foldedPattern) {
        int end = 0;
        while (end < foldedPattern.length() && foldedPattern.charAt(end) != '*' && foldedPattern.charAt(end) != '?')
            end++;
        String literal = foldedPattern.substring(0, end);
        if (literal.codePointCount(0, literal.length()) < PREFIX) return null;
        // Text sorts by UTF-8 bytes, i.e. by code point: the names starting with `literal` end before `literal`
        // with its last code point raised by one.
        int last = literal.codePointBefore(literal.length());
        int next = last + 1;
        if (next > Character.MAX_CODE_POINT || (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE))
            return null;
        String upper = literal.substring(0, literal.length() - Character.charCount(last)) + Character.toString(next);
        return new Slice(prefix(literal), literal, upper);
    }
}
