package org.miroir.dicom.data;

import java.lang.System.Logger.Level;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes and encodes the text of SH, LO, ST, LT, PN, UC and UT values per Specific Character Set (0008,0005),
 * PS3.5 6.1 and Annexes H-K: the single-byte sets, UTF-8, GB18030 and GBK as stand-alone sets, and ISO 2022 code
 * extensions (several values; escape sequences switch G0/G1, and value 1's sets return at each value delimiter,
 * at '^' and '=' in PN, and at control characters).
 * <p>Unknown or misplaced defined terms never fail: they are dropped (value 1 falls back to the default
 * repertoire, decoded as ISO 8859-1 so no byte is lost) and logged once at WARNING. Instances are immutable.
 */
public final class SpecificCharacterSet {
    private static final System.Logger LOG = System.getLogger(SpecificCharacterSet.class.getName());

    /** A defined term of (0008,0005): either one stand-alone charset or the sets it designates into G0 and G1. */
    private record Term(String code, Charset standAlone, CodeElement g0, CodeElement g1) {}

    private static final Map<String, Term> TERMS = new HashMap<>();

    private static void term(String code, Charset standAlone, CodeElement g0, CodeElement g1) {
        TERMS.put(code, new Term(code, standAlone, g0, g1));
    }

    static {
        term("ISO_IR 6", null, CodeElement.ASCII, null);
        term("ISO 2022 IR 6", null, CodeElement.ASCII, null);
        Object[][] singleByte = {
            {100, CodeElement.LATIN1}, {101, CodeElement.LATIN2}, {109, CodeElement.LATIN3}, {110, CodeElement.LATIN4},
            {126, CodeElement.GREEK}, {127, CodeElement.ARABIC}, {138, CodeElement.HEBREW}, {144, CodeElement.CYRILLIC},
            {148, CodeElement.LATIN5}, {166, CodeElement.THAI}, {203, CodeElement.LATIN9},
        };
        for (Object[] s : singleByte) {
            term("ISO_IR " + s[0], null, CodeElement.ASCII, (CodeElement) s[1]);
            term("ISO 2022 IR " + s[0], null, CodeElement.ASCII, (CodeElement) s[1]);
        }
        term("ISO_IR 13", null, CodeElement.JIS_X0201_ROMAJI, CodeElement.JIS_X0201_KATAKANA);
        term("ISO 2022 IR 13", null, CodeElement.JIS_X0201_ROMAJI, CodeElement.JIS_X0201_KATAKANA);
        term("ISO 2022 IR 87", null, CodeElement.JIS_X0208, null);
        term("ISO 2022 IR 159", null, CodeElement.JIS_X0212, null);
        term("ISO 2022 IR 149", null, null, CodeElement.KS_X1001);
        term("ISO 2022 IR 58", null, null, CodeElement.GB2312);
        term("ISO_IR 192", StandardCharsets.UTF_8, null, null);
        term("GB18030", Charset.forName("GB18030"), null, null);
        term("GBK", Charset.forName("GBK"), null, null);
    }

    /** The default repertoire (no or empty (0008,0005)); bytes above 7FH decode as ISO 8859-1. */
    public static final SpecificCharacterSet DEFAULT = new SpecificCharacterSet(List.of(TERMS.get("ISO_IR 6")), "");

    private final String[] codes;
    private final Charset standAlone;
    /** The sets in force at the start of a value and after each delimiter (g1 may be null). */
    private final CodeElement initialG0, initialG1;
    /** All designated sets in the order of the values, for encoding; empty without code extensions. */
    private final CodeElement[] extensions;

    private SpecificCharacterSet(List<Term> terms, String... codes) {
        this.codes = codes;
        Term first = terms.get(0);
        this.standAlone = first.standAlone();
        this.initialG0 = first.g0() != null && first.g0().bytesPerChar == 1 ? first.g0() : CodeElement.ASCII;
        this.initialG1 = first.g1();
        boolean codeExtensions = standAlone == null && (terms.size() > 1 || first.code().startsWith("ISO 2022"));
        List<CodeElement> ext = new ArrayList<>();
        if (codeExtensions) {
            for (Term t : terms) {
                if (t.g1() != null) ext.add(t.g1());
                if (t.g0() != null && t.g0().bytesPerChar == 2) ext.add(t.g0());
            }
        }
        this.extensions = ext.toArray(CodeElement[]::new);
    }

    /** The character set named by the values of (0008,0005); never fails (see the class comment). */
    public static SpecificCharacterSet valueOf(String... codes) {
        if (codes == null || codes.length == 0) return DEFAULT;
        List<Term> terms = new ArrayList<>(codes.length);
        for (int i = 0; i < codes.length; i++) {
            String code = codes[i] == null ? "" : codes[i].strip();
            Term t = code.isEmpty() ? (i == 0 ? TERMS.get("ISO 2022 IR 6") : null) : lookup(code);
            if (t == null) {
                if (!code.isEmpty()) warnOnce("unknown Specific Character Set " + quoted(code) + ": "
                        + (i == 0 ? "using the default repertoire (ISO 8859-1)" : "ignored"));
                if (i == 0) t = TERMS.get("ISO 2022 IR 6");
                else continue;
            } else if (i > 0 && t.standAlone() != null) {
                warnOnce("Specific Character Set " + quoted(code) + " allows no code extensions: ignored as value " + (i + 1));
                continue;
            }
            terms.add(t);
            if (i == 0 && t.standAlone() != null) {
                if (codes.length > 1) warnOnce("Specific Character Set " + quoted(code) + " allows no code extensions: "
                        + quoted(String.join("\\", Arrays.asList(codes).subList(1, codes.length))) + " ignored");
                break;
            }
        }
        Term only = terms.size() == 1 ? terms.get(0) : null;
        if (only != null && only.g0() == CodeElement.ASCII && only.g1() == null) return DEFAULT; // "", ISO_IR 6, ISO 2022 IR 6
        return new SpecificCharacterSet(terms, codes.clone());
    }

    private static final Pattern IR = Pattern.compile("ISO[ _-]?(2022[ _-]?)?IR[ _-]?(\\d+)");

    /** A defined term, or the one a common misspelling ("ISO IR 100", "ISO_IR_100", "ISO2022 IR 87") means. */
    private static Term lookup(String code) {
        Term t = TERMS.get(code);
        if (t != null) return t;
        String upper = code.toUpperCase(Locale.ROOT);
        Matcher m = IR.matcher(upper);
        if (m.matches()) {
            t = TERMS.get((m.group(1) != null ? "ISO 2022 IR " : "ISO_IR ") + m.group(2));
            if (t == null) t = TERMS.get("ISO 2022 IR " + m.group(2));
        } else if (upper.equals("UTF-8") || upper.equals("UTF8")) {
            t = TERMS.get("ISO_IR 192");
        }
        if (t != null) warnOnce("Specific Character Set " + quoted(code) + " read as \"" + t.code() + "\"");
        return t;
    }

    /** A term for a log message: hostile data could make it megabytes long. */
    private static String quoted(String code) {
        return "\"" + (code.length() > 64 ? code.substring(0, 64) + "..." : code) + "\"";
    }

    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** Hostile data could name endless distinct terms: the set of messages already logged stays bounded. */
    private static void warnOnce(String message) {
        if (WARNED.size() < 256 && WARNED.add(message)) LOG.log(Level.WARNING, message);
    }

    // ---------------------------------------------------------------- decoding

    /** Decodes len bytes of a value of the given VR; VRs that Specific Character Set does not apply to decode as ISO 8859-1. */
    public String decode(byte[] b, int off, int len, VR vr) {
        if (!vr.usesSpecificCharacterSet()) return new String(b, off, len, StandardCharsets.ISO_8859_1);
        if (standAlone != null) return new String(b, off, len, standAlone);
        int end = off + len;
        if ((initialG1 == null || initialG1.bytesPerChar == 1) && indexOfEsc(b, off, end) < 0) {
            // The common case, one-byte sets and no escape sequence: one table for all bytes.
            if (initialG1 == null || initialG1 == CodeElement.LATIN1) return new String(b, off, len, StandardCharsets.ISO_8859_1);
            char[] c = new char[len];
            for (int i = 0; i < len; i++) {
                int x = b[off + i] & 0xFF;
                c[i] = x < 0x80 ? (char) x : initialG1.decodeHigh(x);
            }
            return new String(c);
        }
        return decodeIso2022(b, off, end, vr);
    }

    private static int indexOfEsc(byte[] b, int off, int end) {
        for (int i = off; i < end; i++) if (b[i] == CodeElement.ESC) return i;
        return -1;
    }

    private String decodeIso2022(byte[] b, int off, int end, VR vr) {
        StringBuilder sb = new StringBuilder(end - off);
        CodeElement g0 = initialG0, g1 = initialG1;
        int[] escLen = new int[1];
        int i = off;
        while (i < end) {
            int x = b[i] & 0xFF;
            if (x == CodeElement.ESC) {
                CodeElement e = CodeElement.ofEscape(b, i + 1, end, escLen);
                if (e == null) {
                    // Unknown escape sequence: kept as text, so nothing is lost.
                    sb.append('\u001B');
                    i++;
                } else {
                    if (e.g0) g0 = e;
                    else g1 = e;
                    i += 1 + escLen[0];
                }
                continue;
            }
            CodeElement set = x < 0x80 ? g0 : g1;
            if (set != null && set.bytesPerChar == 2 && set.isPairByte(x)) {
                int n = 0;
                while (i + 2 * n + 1 < end && set.isPairByte(b[i + 2 * n] & 0xFF) && set.isPairByte(b[i + 2 * n + 1] & 0xFF)) n++;
                if (n > 0) {
                    sb.append(set.decodePairs(b, i, n));
                    i += 2 * n;
                } else {
                    sb.append('\uFFFD'); // half a pair
                    i++;
                }
                continue;
            }
            if (x < 0x80) {
                sb.append((char) x);
                if (isDelimiter(x, vr)) {
                    g0 = initialG0;
                    g1 = initialG1;
                }
            } else if (set == null) {
                sb.append((char) x); // no G1 set designated: ISO 8859-1, lossless
            } else {
                sb.append(set.bytesPerChar == 1 ? set.decodeHigh(x) : '\uFFFD');
            }
            i++;
        }
        return sb.toString();
    }

    /** Where value 1's sets return (PS3.5 6.1.2.5.3): control characters, '\' between values, '^' and '=' in PN. */
    private static boolean isDelimiter(int c, VR vr) {
        return switch (c) {
            case '\t', '\n', '\f', '\r' -> true;
            case '\\' -> vr.isMultiValuedText();
            case '^', '=' -> vr == VR.PN;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Encodes a value (several values joined by '\'). With code extensions each component between delimiters takes
     * the first listed set able to encode all of it, else each character the first listed set able to; characters no
     * set holds become '?'. Escape sequences are written only where a set changes, and a two-byte G0 set is ended
     * before each delimiter, as in the examples of PS3.5 Annexes H and I.
     */
    public byte[] encode(String s, VR vr) {
        if (!vr.usesSpecificCharacterSet()) return s.getBytes(StandardCharsets.ISO_8859_1);
        if (standAlone != null) return s.getBytes(standAlone);
        Out out = new Out(s.length() * 2 + 8);
        CharsetEncoder[] encoders = new CharsetEncoder[CodeElement.values().length];
        CodeElement[] sets = extensions.length > 0 ? extensions : initialG1 != null ? new CodeElement[] {initialG1} : new CodeElement[0];
        // Only the plain default repertoire writes ISO 8859-1 bytes, mirroring how it decodes them.
        boolean latin1 = sets.length == 0;
        byte[] bytes = new byte[2];
        CodeElement g0 = initialG0, g1 = initialG1;
        int start = 0, n = s.length();
        while (start <= n) {
            int stop = start;
            while (stop < n && !isDelimiter(s.charAt(stop), vr)) stop++;
            CodeElement whole = extensions.length > 0 ? wholeComponentSet(s, start, stop, encoders) : null;
            CodeElement[] tryOrder = whole != null ? new CodeElement[] {whole} : sets;
            for (int k = start; k < stop; k += Character.charCount(s.codePointAt(k))) {
                int c = s.codePointAt(k);
                CodeElement set = null;
                int len = 0;
                if (c < 0x80) {
                    set = initialG0;
                    bytes[0] = (byte) c;
                    len = 1;
                } else if (c <= 0xFFFF) {
                    for (CodeElement e : tryOrder) {
                        if ((len = e.encode((char) c, encoder(encoders, e), bytes)) > 0) {
                            set = e;
                            break;
                        }
                    }
                    if (set == null && latin1 && c <= 0xFF) {
                        set = initialG0;
                        bytes[0] = (byte) c;
                        len = 1;
                    }
                }
                if (set == null) {
                    set = initialG0;
                    bytes[0] = '?';
                    len = 1;
                }
                if (set.g0 && set != g0) {
                    out.write(set.escape);
                    g0 = set;
                } else if (!set.g0 && set != g1) {
                    out.write(set.escape);
                    g1 = set;
                }
                out.write(bytes, len);
            }
            if (g0 != initialG0) out.write(initialG0.escape);
            g0 = initialG0;
            g1 = initialG1;
            if (stop < n) out.write((byte) s.charAt(stop));
            start = stop + 1;
        }
        return out.toByteArray();
    }

    /** The first listed set holding every non-ASCII character of s[start..stop), or null. */
    private CodeElement wholeComponentSet(String s, int start, int stop, CharsetEncoder[] encoders) {
        byte[] scratch = new byte[2];
        next:
        for (CodeElement e : extensions) {
            for (int k = start; k < stop; k++) {
                char c = s.charAt(k);
                if (c >= 0x80 && e.encode(c, encoder(encoders, e), scratch) == 0) continue next;
            }
            return e;
        }
        return null;
    }

    private static CharsetEncoder encoder(CharsetEncoder[] cache, CodeElement e) {
        CharsetEncoder enc = cache[e.ordinal()];
        if (enc == null && e.bytesPerChar == 2) cache[e.ordinal()] = enc = e.newEncoder();
        return enc;
    }

    /** A growable byte array; a value is at most 4 GiB by the DICOM length field, callers bound it further. */
    private static final class Out {
        private byte[] buf;
        private int len;

        Out(int capacity) { buf = new byte[capacity]; }

        void write(byte b) {
            ensure(1);
            buf[len++] = b;
        }

        void write(byte[] b) { write(b, b.length); }

        void write(byte[] b, int n) {
            ensure(n);
            System.arraycopy(b, 0, buf, len, n);
            len += n;
        }

        private void ensure(int n) {
            if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }

        byte[] toByteArray() { return Arrays.copyOf(buf, len); }
    }

    /** The values of (0008,0005) this was made from. */
    public String[] codes() { return codes.clone(); }

    @Override
    public String toString() { return String.join("\\", codes); }
}
