package org.miroir.dicom.data;

/** Helpers for 32-bit (group << 16 | element) tags. Constants live in the generated {@link Tag}. */
public final class TagUtils {
    private TagUtils() {}

    public static final int ITEM = 0xFFFEE000;
    public static final int ITEM_DELIMITATION = 0xFFFEE00D;
    public static final int SEQUENCE_DELIMITATION = 0xFFFEE0DD;
    /** Length value meaning "undefined length" (PS3.5 7.1.1). */
    public static final int UNDEFINED_LENGTH = 0xFFFFFFFF;

    public static int tag(int group, int element) { return (group << 16) | (element & 0xFFFF); }

    public static int group(int tag) { return tag >>> 16; }

    public static int element(int tag) { return tag & 0xFFFF; }

    public static boolean isPrivate(int tag) { return (group(tag) & 1) != 0; }

    /** (gggg,0010-00FF) in an odd group: reserves a block of private elements. */
    public static boolean isPrivateCreator(int tag) {
        int e = element(tag);
        return isPrivate(tag) && e >= 0x10 && e <= 0xFF;
    }

    /** Group length elements (gggg,0000): retired in data sets, still used in commands and meta information. */
    public static boolean isGroupLength(int tag) { return element(tag) == 0; }

    /** Tags sort as unsigned 32-bit numbers, so (FFFE,E000) comes after (7FE0,0010). */
    public static int compare(int tag1, int tag2) { return Integer.compareUnsigned(tag1, tag2); }

    /** "(gggg,eeee)" in upper-case hex, as dcmtk prints it. */
    public static String toString(int tag) {
        char[] s = {'(', 0, 0, 0, 0, ',', 0, 0, 0, 0, ')'};
        for (int i = 0; i < 4; i++) {
            s[4 - i] = HEX[(tag >>> (16 + 4 * i)) & 0xF];
            s[9 - i] = HEX[(tag >>> (4 * i)) & 0xF];
        }
        return new String(s);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
