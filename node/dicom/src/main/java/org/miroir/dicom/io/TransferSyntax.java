package org.miroir.dicom.io;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How a data set is encoded (PS3.5 10): VR explicit or implicit, byte order, deflate, and whether
 * Pixel Data is encapsulated (compressed fragments). Immutable; equal by UID.
 */
public final class TransferSyntax {
    public static final TransferSyntax IMPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, false);
    public static final TransferSyntax EXPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false);
    public static final TransferSyntax ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN =
            compressed("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian");
    public static final TransferSyntax DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, false);
    /** Retired, still met in old archives and still proposed by dcmtk. */
    public static final TransferSyntax EXPLICIT_VR_BIG_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, false);
    public static final TransferSyntax JPEG_BASELINE = compressed("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)");
    public static final TransferSyntax JPEG_EXTENDED = compressed("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)");
    public static final TransferSyntax JPEG_LOSSLESS = compressed("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)");
    public static final TransferSyntax JPEG_LOSSLESS_SV1 = compressed("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])");
    public static final TransferSyntax JPEG_LS_LOSSLESS = compressed("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless");
    public static final TransferSyntax JPEG_LS_NEAR_LOSSLESS = compressed("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)");
    public static final TransferSyntax JPEG_2000_LOSSLESS = compressed("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)");
    public static final TransferSyntax JPEG_2000 = compressed("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression");
    public static final TransferSyntax JPEG_2000_PART2_LOSSLESS = compressed("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)");
    public static final TransferSyntax JPEG_2000_PART2 = compressed("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression");
    /** Pixel data is referenced by a JPIP URL, not present: an ordinary explicit VR little endian data set. */
    public static final TransferSyntax JPIP_REFERENCED =
            new TransferSyntax("1.2.840.10008.1.2.4.94", "JPIP Referenced", true, false, false, false);
    public static final TransferSyntax JPIP_REFERENCED_DEFLATE =
            new TransferSyntax("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", true, false, true, false);
    public static final TransferSyntax MPEG2_MAIN_PROFILE = compressed("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level");
    public static final TransferSyntax MPEG2_HIGH_LEVEL = compressed("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level");
    public static final TransferSyntax MPEG4_AVC_HIGH_PROFILE = compressed("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1");
    public static final TransferSyntax MPEG4_AVC_BD = compressed("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1");
    public static final TransferSyntax MPEG4_AVC_2D = compressed("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video");
    public static final TransferSyntax MPEG4_AVC_3D = compressed("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video");
    public static final TransferSyntax MPEG4_AVC_STEREO = compressed("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2");
    public static final TransferSyntax HEVC_MAIN_PROFILE = compressed("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1");
    public static final TransferSyntax HEVC_MAIN10_PROFILE = compressed("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1");
    public static final TransferSyntax HTJ2K_LOSSLESS = compressed("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)");
    public static final TransferSyntax HTJ2K_RPCL_LOSSLESS = compressed("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)");
    public static final TransferSyntax HTJ2K = compressed("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression");
    public static final TransferSyntax RLE_LOSSLESS = compressed("1.2.840.10008.1.2.5", "RLE Lossless");

    private static final Map<String, TransferSyntax> KNOWN = Stream.of(
            IMPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN, ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN,
            DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_BIG_ENDIAN, JPEG_BASELINE, JPEG_EXTENDED, JPEG_LOSSLESS,
            JPEG_LOSSLESS_SV1, JPEG_LS_LOSSLESS, JPEG_LS_NEAR_LOSSLESS, JPEG_2000_LOSSLESS, JPEG_2000,
            JPEG_2000_PART2_LOSSLESS, JPEG_2000_PART2, JPIP_REFERENCED, JPIP_REFERENCED_DEFLATE, MPEG2_MAIN_PROFILE,
            MPEG2_HIGH_LEVEL, MPEG4_AVC_HIGH_PROFILE, MPEG4_AVC_BD, MPEG4_AVC_2D, MPEG4_AVC_3D, MPEG4_AVC_STEREO,
            HEVC_MAIN_PROFILE, HEVC_MAIN10_PROFILE, HTJ2K_LOSSLESS, HTJ2K_RPCL_LOSSLESS, HTJ2K, RLE_LOSSLESS)
            .collect(Collectors.toUnmodifiableMap(TransferSyntax::uid, Function.identity()));

    private final String uid;
    private final String name;
    private final boolean explicitVR;
    private final boolean bigEndian;
    private final boolean deflated;
    private final boolean encapsulated;

    private TransferSyntax(String uid, String name, boolean explicitVR, boolean bigEndian, boolean deflated,
                           boolean encapsulated) {
        this.uid = uid;
        this.name = name;
        this.explicitVR = explicitVR;
        this.bigEndian = bigEndian;
        this.deflated = deflated;
        this.encapsulated = encapsulated;
    }

    private static TransferSyntax compressed(String uid, String name) {
        return new TransferSyntax(uid, name, true, false, false, true);
    }

    /**
     * The transfer syntax for a UID (trailing NUL or space padding ignored). A UID not listed here is taken as
     * explicit VR little endian with encapsulated pixel data: every transfer syntax defined since 1999 is
     * encoded so, which lets unknown compressed syntaxes pass through untouched.
     */
    public static TransferSyntax of(String uid) {
        String u = strip(uid);
        if (u.isEmpty()) throw new IllegalArgumentException("empty transfer syntax UID");
        TransferSyntax ts = KNOWN.get(u);
        return ts != null ? ts : new TransferSyntax(u, u, true, false, false, true);
    }

    /** True for a UID this class knows by name (the others are handled as unknown compressed syntaxes). */
    public static boolean isKnown(String uid) { return KNOWN.containsKey(strip(uid)); }

    private static String strip(String uid) {
        int end = uid.length();
        while (end > 0 && (uid.charAt(end - 1) == '\0' || uid.charAt(end - 1) == ' ')) end--;
        return uid.substring(0, end).strip();
    }

    public String uid() { return uid; }

    public String name() { return name; }

    public boolean explicitVR() { return explicitVR; }

    public boolean bigEndian() { return bigEndian; }

    /** True when everything after the meta header is a raw deflate stream (RFC 1951, no zlib header). */
    public boolean deflated() { return deflated; }

    /** True when Pixel Data is compressed and held in fragments. */
    public boolean encapsulated() { return encapsulated; }

    @Override
    public boolean equals(Object o) { return o instanceof TransferSyntax t && t.uid.equals(uid); }

    @Override
    public int hashCode() { return uid.hashCode(); }

    @Override
    public String toString() { return uid.equals(name) ? uid : name + " [" + uid + "]"; }
}
