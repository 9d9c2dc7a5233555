package org.miroir.dicom.data;

/**
 * Value Representations of PS3.5 6.2, with what the codecs need to know about each:
 * the explicit-VR header form, the padding byte, the byte-swap width for big endian,
 * and whether the value is text (and whether Specific Character Set applies to it).
 */
public enum VR {
    AE(Kind.TEXT_ASCII, false, ' ', 0, true),
    AS(Kind.TEXT_ASCII, false, ' ', 0, true),
    AT(Kind.BINARY, false, 0, 2, false),
    CS(Kind.TEXT_ASCII, false, ' ', 0, true),
    DA(Kind.TEXT_ASCII, false, ' ', 0, true),
    DS(Kind.TEXT_ASCII, false, ' ', 0, true),
    DT(Kind.TEXT_ASCII, false, ' ', 0, true),
    FD(Kind.BINARY, false, 0, 8, false),
    FL(Kind.BINARY, false, 0, 4, false),
    IS(Kind.TEXT_ASCII, false, ' ', 0, true),
    LO(Kind.TEXT, false, ' ', 0, true),
    LT(Kind.TEXT, false, ' ', 0, false),
    OB(Kind.BINARY, true, 0, 0, false),
    OD(Kind.BINARY, true, 0, 8, false),
    OF(Kind.BINARY, true, 0, 4, false),
    OL(Kind.BINARY, true, 0, 4, false),
    OV(Kind.BINARY, true, 0, 8, false),
    OW(Kind.BINARY, true, 0, 2, false),
    PN(Kind.TEXT, false, ' ', 0, true),
    SH(Kind.TEXT, false, ' ', 0, true),
    SL(Kind.BINARY, false, 0, 4, false),
    SQ(Kind.SEQUENCE, true, 0, 0, false),
    SS(Kind.BINARY, false, 0, 2, false),
    ST(Kind.TEXT, false, ' ', 0, false),
    SV(Kind.BINARY, true, 0, 8, false),
    TM(Kind.TEXT_ASCII, false, ' ', 0, true),
    UC(Kind.TEXT, true, ' ', 0, true),
    UI(Kind.TEXT_ASCII, false, 0, 0, true),
    UL(Kind.BINARY, false, 0, 4, false),
    UN(Kind.BINARY, true, 0, 0, false),
    UR(Kind.TEXT_ASCII, true, ' ', 0, false),
    US(Kind.BINARY, false, 0, 2, false),
    UT(Kind.TEXT, true, ' ', 0, false),
    UV(Kind.BINARY, true, 0, 8, false);

    /** How a value of this VR is held and decoded. */
    public enum Kind { TEXT_ASCII, TEXT, BINARY, SEQUENCE }

    private final Kind kind;
    private final boolean longHeader;
    private final byte padding;
    private final int swapWidth;
    private final boolean multiValued;
    private final int code;

    VR(Kind kind, boolean longHeader, int padding, int swapWidth, boolean multiValued) {
        this.kind = kind;
        this.longHeader = longHeader;
        this.padding = (byte) padding;
        this.swapWidth = swapWidth;
        this.multiValued = multiValued;
        this.code = (name().charAt(0) << 8) | name().charAt(1);
    }

    /** The two ASCII characters as written in explicit VR encodings, big-endian packed. */
    public int code() { return code; }

    /** True when explicit VR encodings use 2 reserved bytes and a 32-bit length (PS3.5 7.1.2). */
    public boolean hasLongHeader() { return longHeader; }

    /** Byte used to pad a value to even length. */
    public byte paddingByte() { return padding; }

    /** Width of the numbers to swap between little and big endian; 0 for bytes and text. */
    public int swapWidth() { return swapWidth; }

    public Kind kind() { return kind; }

    public boolean isText() { return kind == Kind.TEXT || kind == Kind.TEXT_ASCII; }

    /** True for the text VRs that Specific Character Set (0008,0005) applies to. */
    public boolean usesSpecificCharacterSet() { return kind == Kind.TEXT; }

    /** True when a backslash separates multiple values (ST, LT, UT, UR are single-valued). */
    public boolean isMultiValuedText() { return multiValued && isText(); }

    /** The VR for an explicit-VR code, or null when the two bytes name no VR. */
    public static VR ofCode(int code) {
        int c1 = (code >>> 8) & 0xFF, c2 = code & 0xFF;
        if (c1 < 'A' || c1 > 'Z' || c2 < 'A' || c2 > 'Z') return null;
        return BY_CODE[(c1 - 'A') * 26 + (c2 - 'A')];
    }

    private static final VR[] BY_CODE = new VR[26 * 26];
    static {
        for (VR vr : values()) BY_CODE[(vr.name().charAt(0) - 'A') * 26 + (vr.name().charAt(1) - 'A')] = vr;
    }
}
