package org.miroir.dicom.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The graphic character sets that Specific Character Set designates into G0 or G1 (PS3.3 Tables C.12-2 to C.12-4,
 * PS3.5 6.1.2.5), each with its ISO 2022 escape sequence. Two-byte sets go through the EUC form of a JDK charset:
 * a G0 pair is the EUC pair with the high bits cleared, a G1 pair is the EUC pair itself.
 */
enum CodeElement {
    /** ISO-IR 6, the default repertoire. */
    ASCII(true, "(B", 1, null),
    /** ISO-IR 14, JIS X 0201 Romaji: read as ASCII like pydicom and dcmtk, so 5CH stays the value delimiter. */
    JIS_X0201_ROMAJI(true, "(J", 1, null),
    /** ISO-IR 13, JIS X 0201 Katakana: A1H-DFH are the half-width katakana U+FF61-U+FF9F. */
    JIS_X0201_KATAKANA(false, ")I", 1, null),
    LATIN1(false, "-A", 1, StandardCharsets.ISO_8859_1),
    LATIN2(false, "-B", 1, Charset.forName("ISO-8859-2")),
    LATIN3(false, "-C", 1, Charset.forName("ISO-8859-3")),
    LATIN4(false, "-D", 1, Charset.forName("ISO-8859-4")),
    GREEK(false, "-F", 1, Charset.forName("ISO-8859-7")),
    ARABIC(false, "-G", 1, Charset.forName("ISO-8859-6")),
    HEBREW(false, "-H", 1, Charset.forName("ISO-8859-8")),
    CYRILLIC(false, "-L", 1, Charset.forName("ISO-8859-5")),
    LATIN5(false, "-M", 1, Charset.forName("ISO-8859-9")),
    THAI(false, "-T", 1, Charset.forName("x-iso-8859-11")),
    LATIN9(false, "-b", 1, Charset.forName("ISO-8859-15")),
    /** ISO-IR 87, JIS X 0208 kanji and kana, in G0. */
    JIS_X0208(true, "$B", 2, Charset.forName("EUC-JP")),
    /** ISO-IR 159, JIS X 0212 supplementary kanji, in G0: EUC-JP writes it as 8FH plus the pair. */
    JIS_X0212(true, "$(D", 2, Charset.forName("EUC-JP")),
    /** ISO-IR 149, KS X 1001 (Korean), in G1. */
    KS_X1001(false, "$)C", 2, Charset.forName("EUC-KR")),
    /** ISO-IR 58, GB 2312 (Chinese), in G1. */
    GB2312(false, "$)A", 2, Charset.forName("GB2312"));

    static final byte ESC = 0x1B;
    private static final CodeElement[] ALL = values();

    final boolean g0;
    final byte[] escape;
    final int bytesPerChar;
    final Charset charset;
    /** For one-byte G1 sets: the characters of 80H-FFH. */
    private final char[] high;

    CodeElement(boolean g0, String escape, int bytesPerChar, Charset charset) {
        this.g0 = g0;
        this.escape = ("\u001B" + escape).getBytes(StandardCharsets.US_ASCII);
        this.bytesPerChar = bytesPerChar;
        this.charset = charset;
        if (g0 || bytesPerChar != 1) {
            high = null;
        } else {
            byte[] b = new byte[128];
            for (int i = 0; i < 128; i++) b[i] = (byte) (0x80 + i);
            high = new char[128];
            if (charset != null) {
                new String(b, charset).getChars(0, 128, high, 0);
            } else {
                for (int i = 0; i < 128; i++) high[i] = i >= 0x21 && i <= 0x5F ? (char) (0xFF61 - 0x21 + i) : '\uFFFD';
            }
        }
    }

    /** The set an escape sequence at b[off] (just after ESC) designates, or null; fills len[0] with its length after ESC. */
    static CodeElement ofEscape(byte[] b, int off, int end, int[] len) {
        for (CodeElement e : ALL) {
            int n = e.escape.length - 1;
            if (off + n > end) continue;
            boolean match = true;
            for (int k = 0; k < n && match; k++) match = b[off + k] == e.escape[k + 1];
            if (match) {
                len[0] = n;
                return e;
            }
        }
        return null;
    }

    /** The character of a byte 80H-FFH in a one-byte G1 set. */
    char decodeHigh(int b) { return high[b - 0x80]; }

    /** True when a byte can start or end a pair of this two-byte set (21H-7EH in G0, A1H-FEH in G1). */
    boolean isPairByte(int b) {
        int c = g0 ? b : b - 0x80;
        return c >= 0x21 && c <= 0x7E;
    }

    /** Decodes n consecutive pairs from b[off]. */
    String decodePairs(byte[] b, int off, int n) {
        int width = this == JIS_X0212 ? 3 : 2;
        byte[] euc = new byte[n * width];
        for (int k = 0, j = 0; k < n; k++) {
            if (width == 3) euc[j++] = (byte) 0x8F;
            euc[j++] = (byte) (b[off + 2 * k] | 0x80);
            euc[j++] = (byte) (b[off + 2 * k + 1] | 0x80);
        }
        return new String(euc, charset);
    }

    /**
     * Writes the encoding of c in this set into out[0..] and returns its byte count, or 0 when the set lacks c.
     * ASCII characters belong to the G0 one-byte sets only. encoder is this set's, from {@link #newEncoder()}.
     */
    int encode(char c, CharsetEncoder encoder, byte[] out) {
        if (c < 0x80) {
            if (!g0 || bytesPerChar != 1) return 0;
            out[0] = (byte) c;
            return 1;
        }
        if (bytesPerChar == 1) {
            if (high == null) return 0;
            for (int i = 0; i < 128; i++) {
                if (high[i] == c && c != '\uFFFD') {
                    out[0] = (byte) (0x80 + i);
                    return 1;
                }
            }
            return 0;
        }
        ByteBuffer bb;
        try {
            bb = encoder.reset().encode(CharBuffer.wrap(new char[] {c}));
        } catch (CharacterCodingException e) {
            return 0;
        }
        int n = bb.remaining();
        int lead = n > 0 ? bb.get(0) & 0xFF : 0;
        // EUC-JP also holds JIS X 0201 katakana (8EH xx) and JIS X 0212 (8FH xx xx): keep only this set's form.
        boolean ok = this == JIS_X0212 ? n == 3 && lead == 0x8F : n == 2 && lead >= 0xA1;
        if (!ok) return 0;
        int first = bb.get(n - 2) & 0xFF, second = bb.get(n - 1) & 0xFF;
        out[0] = (byte) (g0 ? first & 0x7F : first);
        out[1] = (byte) (g0 ? second & 0x7F : second);
        return 2;
    }

    /** A strict encoder for the two-byte sets (null for the others): encoders are not thread-safe, callers own one. */
    CharsetEncoder newEncoder() {
        return bytesPerChar == 2
                ? charset.newEncoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                : null;
    }
}
