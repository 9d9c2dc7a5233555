package org.miroir.dicom.data;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Decodes and encodes text values per Specific Character Set (0008,0005), PS3.5 6.1.
 * Placeholder covering the default repertoire, ISO_IR 100 and ISO_IR 192 until the full
 * implementation (all single-byte sets, GB18030, ISO 2022 code extensions) lands.
 */
public class SpecificCharacterSet {
    public static final SpecificCharacterSet DEFAULT = new SpecificCharacterSet(StandardCharsets.ISO_8859_1);

    private final Charset charset;

    private SpecificCharacterSet(Charset charset) { this.charset = charset; }

    /** The character set named by the values of (0008,0005). */
    public static SpecificCharacterSet valueOf(String... codes) {
        if (codes.length > 0 && "ISO_IR 192".equals(codes[0])) return new SpecificCharacterSet(StandardCharsets.UTF_8);
        return DEFAULT;
    }

    public String decode(byte[] b, int off, int len, VR vr) { return new String(b, off, len, charset); }

    public byte[] encode(String s, VR vr) { return s.getBytes(charset); }
}
