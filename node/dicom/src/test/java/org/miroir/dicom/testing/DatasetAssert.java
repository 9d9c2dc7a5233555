package org.miroir.dicom.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.BulkData;
import org.miroir.dicom.data.Fragments;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.TagUtils;
import org.miroir.dicom.data.VR;

/**
 * Element-by-element comparison of two data sets with a readable diff (path, tag, VR, both values), recursing
 * into sequence items and pixel data fragments; {@link BulkData} values are read from their file and compared
 * as bytes.
 *
 * <p>By default only two things are skipped, both outside the data set proper: group length elements
 * (gggg,0000), retired in data sets (PS3.5 7.2) and freely added or dropped by writers, and the File Meta
 * Information group 0002, which describes one file's encoding and is not sent over the network (PS3.10 7.1).
 * Everything else must match byte for byte unless the caller opts into a {@link Tolerance} and says why:
 * <pre>{@code
 * DatasetAssert.comparing()
 *     .tolerate(Tolerance.UN_FOR_EXPLICIT_VR, "sent as implicit VR: private VRs are not transmitted")
 *     .assertEquals(sent, received);
 * }</pre>
 */
public final class DatasetAssert {

    /** Differences DICOM allows between two encodings of the same data set. Each is opt-in, with a reason. */
    public enum Tolerance {
        /**
         * A value held as UN on one side and under an explicit VR on the other, with identical bytes: an implicit VR
         * stream carries no VR, so a reader that does not know the tag (private elements, newer public ones) can
         * only say UN (PS3.5 6.2.2). A sequence read as UN with undefined length (parsed into items) matches the
         * same items under SQ; a UN value of defined length holding a sequence's encoded bytes is not parsed and
         * shows as a difference.
         */
        UN_FOR_EXPLICIT_VR,
        /**
         * Two VRs that PS3.6 allows for the same tag ("US or SS", "OB or OW", "US or OW", "SS or OW") with identical
         * bytes: in implicit VR the reader picks one, e.g. OW for Pixel Data (PS3.5 A.1) where the sender had OB.
         */
        AMBIGUOUS_VR,
        /**
         * Text values equal after removing trailing spaces and NULs: some writers pad UI with a space or other text
         * with NUL (PS3.5 6.2 says NUL for UI, space otherwise); also covers an odd-length value padded on the way.
         */
        TRAILING_PADDING
    }

    /** Pairs of VRs that PS3.6 lists as alternatives for one tag. */
    private static final Set<Set<VR>> AMBIGUOUS_PAIRS = Set.of(
            Set.of(VR.US, VR.SS), Set.of(VR.OB, VR.OW), Set.of(VR.US, VR.OW), Set.of(VR.SS, VR.OW));

    /** Binary values up to this length are shown whole in a diff. */
    private static final int SHOW_BYTES = 32;
    private static final int CHUNK = 64 * 1024;

    private final Map<Tolerance, String> tolerated = new EnumMap<>(Tolerance.class);
    private boolean includeGroupLengths;
    private boolean includeFileMeta;
    private int maxDifferences = 50;

    private DatasetAssert() {}

    /** A comparison with no tolerance, skipping group lengths and the file meta group. */
    public static DatasetAssert comparing() { return new DatasetAssert(); }

    /** Shorthand for {@code comparing().assertEquals(expected, actual)}. */
    public static void assertDatasetsEqual(Attributes expected, Attributes actual) {
        comparing().assertEquals(expected, actual);
    }

    /** Accepts one kind of difference; {@code reason} (why DICOM allows it here) is printed with any failure. */
    public DatasetAssert tolerate(Tolerance tolerance, String reason) {
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("say why " + tolerance + " is acceptable here");
        tolerated.put(tolerance, reason);
        return this;
    }

    /** Compares group length elements (gggg,0000) too. */
    public DatasetAssert includeGroupLengths() {
        includeGroupLengths = true;
        return this;
    }

    /** Compares the File Meta Information group (0002,xxxx) too. */
    public DatasetAssert includeFileMeta() {
        includeFileMeta = true;
        return this;
    }

    /** At most this many differences are listed (default 50); the count of the rest is given. */
    public DatasetAssert maxDifferences(int max) {
        if (max < 1) throw new IllegalArgumentException("max " + max);
        maxDifferences = max;
        return this;
    }

    /** Fails with every difference (up to {@link #maxDifferences(int)}) when the data sets differ. */
    public void assertEquals(Attributes expected, Attributes actual) {
        List<String> diffs = differences(expected, actual);
        if (diffs.isEmpty()) return;
        StringBuilder sb = new StringBuilder("data sets differ in ").append(diffs.size()).append(" place(s)");
        if (!tolerated.isEmpty()) {
            sb.append(" (tolerating ");
            tolerated.forEach((t, why) -> sb.append(t).append(": ").append(why).append("; "));
            sb.setLength(sb.length() - 2);
            sb.append(')');
        }
        sb.append(":\n");
        diffs.stream().limit(maxDifferences).forEach(d -> sb.append("  ").append(d).append('\n'));
        if (diffs.size() > maxDifferences) sb.append("  ... and ").append(diffs.size() - maxDifferences).append(" more\n");
        throw new AssertionError(sb.toString());
    }

    /** Every difference as one line: {@code path tag VR: what differs}. Empty when equal under this comparison. */
    public List<String> differences(Attributes expected, Attributes actual) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(actual, "actual");
        List<String> out = new ArrayList<>();
        compareDatasets("", expected, actual, out);
        return out;
    }

    private void compareDatasets(String path, Attributes e, Attributes a, List<String> out) {
        int i = 0, j = 0;
        while (i < e.size() || j < a.size()) {
            int te = i < e.size() ? e.tagAt(i) : -1;
            int ta = j < a.size() ? a.tagAt(j) : -1;
            int c = i >= e.size() ? 1 : j >= a.size() ? -1 : TagUtils.compare(te, ta);
            if (c < 0) {
                if (!skipped(te)) out.add(where(path, te, e.vrAt(i)) + "missing; expected " + show(e, e.vrAt(i), e.valueAt(i)));
                i++;
            } else if (c > 0) {
                if (!skipped(ta)) out.add(where(path, ta, a.vrAt(j)) + "unexpected " + show(a, a.vrAt(j), a.valueAt(j)));
                j++;
            } else {
                if (!skipped(te)) compareElement(path, te, e, i, a, j, out);
                i++;
                j++;
            }
        }
    }

    private boolean skipped(int tag) {
        return (!includeGroupLengths && TagUtils.isGroupLength(tag))
                || (!includeFileMeta && TagUtils.group(tag) == 0x0002);
    }

    private void compareElement(String path, int tag, Attributes e, int i, Attributes a, int j, List<String> out) {
        VR ve = e.vrAt(i), va = a.vrAt(j);
        Object xe = e.valueAt(i), xa = a.valueAt(j);
        String at = where(path, tag, ve);
        if (ve != va && !vrDifferenceTolerated(ve, va)) {
            out.add(at + "VR differs: expected " + ve + " but was " + va);
        }
        if (xe instanceof Sequence se && xa instanceof Sequence sa) {
            if (se.size() != sa.size()) out.add(at + "expected " + se.size() + " item(s) but was " + sa.size());
            for (int k = 0; k < Math.min(se.size(), sa.size()); k++) {
                compareDatasets(path + TagUtils.toString(tag) + "[" + k + "] > ", se.get(k), sa.get(k), out);
            }
        } else if (xe instanceof Fragments fe && xa instanceof Fragments fa) {
            if (fe.size() != fa.size()) out.add(at + "expected " + fe.size() + " fragment(s) but was " + fa.size());
            for (int k = 0; k < Math.min(fe.size(), fa.size()); k++) {
                String diff = compareBytes(ve, fe.get(k), va, fa.get(k), false);
                if (diff != null) out.add(at + "fragment " + k + (k == 0 ? " (basic offset table)" : "") + ": " + diff);
            }
        } else if (isBytes(xe) && isBytes(xa)) {
            boolean trim = tolerated.containsKey(Tolerance.TRAILING_PADDING) && (ve.isText() || va.isText());
            String diff = compareBytes(ve, xe, va, xa, trim);
            if (diff != null) out.add(at + diff + "\n      expected " + show(e, ve, xe) + "\n      but was  " + show(a, va, xa));
        } else {
            out.add(at + "expected " + show(e, ve, xe) + " but was " + show(a, va, xa));
        }
    }

    private boolean vrDifferenceTolerated(VR ve, VR va) {
        if ((ve == VR.UN || va == VR.UN) && tolerated.containsKey(Tolerance.UN_FOR_EXPLICIT_VR)) return true;
        return AMBIGUOUS_PAIRS.contains(Set.of(ve, va)) && tolerated.containsKey(Tolerance.AMBIGUOUS_VR);
    }

    private static boolean isBytes(Object v) { return v instanceof byte[] || v instanceof BulkData; }

    /** Null when equal; else where and how the values differ. Streams bulk data instead of loading it. */
    private static String compareBytes(VR ve, Object e, VR va, Object a, boolean trimPadding) {
        if (e instanceof byte[] be && a instanceof byte[] ba) {
            if (trimPadding) {
                be = Arrays.copyOf(be, unpaddedLength(be));
                ba = Arrays.copyOf(ba, unpaddedLength(ba));
            }
            if (Arrays.equals(be, ba)) return null;
            int at = Arrays.mismatch(be, ba);
            return be.length != ba.length && at == Math.min(be.length, ba.length)
                    ? "length " + be.length + " vs " + ba.length + (trimPadding ? " after trimming padding" : "")
                    : "bytes differ from offset " + at + (be.length == ba.length ? "" : " (length " + be.length + " vs " + ba.length + ")");
        }
        try (InputStream ie = open(ve, e); InputStream ia = open(va, a)) {
            byte[] ce = new byte[CHUNK], ca = new byte[CHUNK];
            long offset = 0;
            while (true) {
                int ne = ie.readNBytes(ce, 0, CHUNK), na = ia.readNBytes(ca, 0, CHUNK);
                int m = Arrays.mismatch(ce, 0, ne, ca, 0, na);
                if (m >= 0) {
                    return m == Math.min(ne, na) ? "length differs (one value ends at " + (offset + m) + ")"
                            : "bytes differ from offset " + (offset + m);
                }
                if (ne < CHUNK) return null;
                offset += ne;
            }
        } catch (IOException x) {
            return "cannot read bulk data: " + x;
        }
    }

    private static int unpaddedLength(byte[] b) {
        int n = b.length;
        while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == 0)) n--;
        return n;
    }

    /** The value's bytes in little-endian order (as {@link Attributes} holds them). */
    private static InputStream open(VR vr, Object v) throws IOException {
        if (v instanceof byte[] b) return new ByteArrayInputStream(b);
        BulkData bd = (BulkData) v;
        Path file = bd.uri().startsWith("file:") ? Path.of(URI.create(bd.uri())) : Path.of(bd.uri());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(bd.offset());
        InputStream in = new BoundedInputStream(Channels.newInputStream(ch), bd.length());
        return bd.bigEndian() && vr.swapWidth() > 1 ? new SwappingInputStream(in, vr.swapWidth()) : in;
    }

    private static String where(String path, int tag, VR vr) {
        return path + TagUtils.toString(tag) + " " + vr + ": ";
    }

    /** A value as a human reads it: text quoted with padding and control characters visible, else hex. */
    private static String show(Attributes owner, VR vr, Object v) {
        if (v instanceof Sequence s) return "sequence of " + s.size() + " item(s)";
        if (v instanceof Fragments f) return f.size() + " fragment(s)";
        if (v instanceof BulkData bd) return "bulk data " + bd.length() + " bytes at " + bd.uri() + "@" + bd.offset();
        byte[] b = (byte[]) v;
        if (vr.isText()) {
            String s;
            try {
                s = vr.usesSpecificCharacterSet()
                        ? owner.getSpecificCharacterSet().decode(b, 0, b.length, vr)
                        : new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
            } catch (RuntimeException undecodable) {
                return hex(b);
            }
            if (s.length() > 200) s = s.substring(0, 200) + "...";
            return "\"" + escape(s) + "\" (" + b.length + " bytes)";
        }
        return hex(b);
    }

    private static String hex(byte[] b) {
        String h = HexFormat.ofDelimiter(" ").formatHex(b, 0, Math.min(b.length, SHOW_BYTES));
        return "[" + h + (b.length > SHOW_BYTES ? " ..." : "") + "] (" + b.length + " bytes)";
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            if (ch == 0) sb.append("\\0");
            else if (ch < 0x20 || ch == 0x7F) sb.append(String.format("\\x%02X", (int) ch));
            else if (ch == '"') sb.append("\\\"");
            else sb.append(ch);
        }
        return sb.toString();
    }

    /** Reads at most {@code remaining} bytes, then reports end of stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = in.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = in.read(buf, off, (int) Math.min(len, remaining));
            if (n > 0) remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException { in.close(); }
    }

    /** Reverses each {@code width}-byte word: big-endian bulk data to the little-endian order of in-memory values. */
    private static final class SwappingInputStream extends InputStream {
        private final InputStream in;
        private final byte[] word;
        private int pos, len;

        SwappingInputStream(InputStream in, int width) {
            this.in = in;
            this.word = new byte[width];
            this.pos = width;
            this.len = width;
        }

        @Override
        public int read() throws IOException {
            if (pos == len) {
                len = in.readNBytes(word, 0, word.length);
                pos = 0;
                if (len == 0) return -1;
                if (len == word.length) {
                    for (int k = 0; k < len / 2; k++) {
                        byte t = word[k];
                        word[k] = word[len - 1 - k];
                        word[len - 1 - k] = t;
                    }
                }
            }
            return word[pos++] & 0xFF;
        }

        @Override
        public void close() throws IOException { in.close(); }
    }
}
