package org.miroir.storage.metadata;

/** Value normalisation shared by the records (and the worklist records). */
public final class Text {
    private Text() {}

    /** Absent and empty are the same thing in the index: both become {@code null}. */
    public static String orNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public static String require(String s, String what) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException(what + " is required");
        return s;
    }
}
