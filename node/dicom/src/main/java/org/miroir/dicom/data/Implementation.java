package org.miroir.dicom.data;

/** Miroir's identity in associations (PS3.7 D.3.3.2) and in Part 10 meta information. */
public final class Implementation {
    private Implementation() {}

    /** A UUID-derived UID (PS3.5 B.2): Miroir has no registered root. */
    public static final String CLASS_UID = "2.25.257799534982552316409443390678779578743";

    /** At most 16 characters (SH). */
    public static final String VERSION_NAME = "MIROIR_010";
}
