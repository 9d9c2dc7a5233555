package org.miroir.dicom.io;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.BulkData;
import org.miroir.dicom.data.ElementDictionary;
import org.miroir.dicom.data.Fragments;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.TagUtils;
import org.miroir.dicom.data.VR;

/**
 * Streaming reader of Part 10 files and raw data sets (PS3.5, PS3.10).
 *
 * <p>Reads from its own buffer (no per-byte calls on the source). Values become {@code byte[]} with numbers in
 * little endian order, {@link Sequence}s, {@link Fragments} or, per {@link BulkDataPolicy}, {@link BulkData}
 * references. Every allocation follows bytes that actually arrived, within {@link ReadLimits}; bad input ends in a
 * {@link DicomStreamException} that names the offset and the element.
 *
 * <p>Recoveries, each logged as a warning:
 * <ul>
 *   <li>explicit VR with a VR code no VR has: two upper-case letters are taken as a VR of a later edition of the
 *       standard, with the 4-byte length form; anything else as the 2-byte length form; either way the value is
 *       kept as UN (what dcmtk does);</li>
 *   <li>the first element of the data set, or of an item, encoded in the other VR form than the transfer syntax
 *       says (some writers switch to implicit VR inside sequences): read as found (what pydicom does);</li>
 *   <li>an item delimitation outside an undefined-length item is ignored; elements out of tag order are sorted
 *       and a repeated tag keeps its last value ({@link Attributes} is ordered and keyed by tag).</li>
 * </ul>
 * Undefined-length elements: SQ and, in implicit VR, any element but Pixel Data are sequences; UN is a sequence
 * in implicit VR little endian (PS3.5 6.2.2) kept with VR UN so it is written back the same way; Pixel Data and
 * other undefined-length OB/OW/UN elements are {@link Fragments}.
 */
public class DicomInputStream implements Closeable {
    private static final System.Logger LOG = System.getLogger(DicomInputStream.class.getName());
    private static final int BUFFER_SIZE = 64 * 1024;
    /** First allocation for a value larger than this waits for the bytes to arrive before growing. */
    private static final int CHUNK = 1 << 20;
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int PIXEL_DATA = 0x7FE00010;
    private static final int NO_STOP = -1;
    private static final byte[] EMPTY = {};

    private final InputStream source;
    private InputStream in;
    private Inflater inflater;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private int lim;
    /** Stream offset of buf[0]. */
    private long bufStart;

    private TransferSyntax ts;
    private boolean explicitVR;
    private boolean bigEndian;
    private Attributes fmi;
    private Attributes dataset;
    /** The data set's end was reached: further reads return it as is. */
    private boolean complete;

    private ReadLimits limits = ReadLimits.DEFAULT;
    private BulkDataPolicy bulk = BulkDataPolicy.INCLUDE;
    private ElementListener listener;
    private long elementCount;

    // The header just read.
    private int tag;
    private VR vr;
    private long length;
    private long headerPos;

    /**
     * Reads a Part 10 file (128-byte preamble, "DICM", meta information) or, without them, a meta group that
     * starts the stream, or else guesses the transfer syntax of a raw data set from its first bytes.
     */
    public DicomInputStream(InputStream in) throws IOException {
        this.source = in;
        this.in = in;
        fill(132);
        if (lim >= 132 && buf[128] == 'D' && buf[129] == 'I' && buf[130] == 'C' && buf[131] == 'M') {
            pos = 132;
            readMeta();
        } else if (lim >= 8 && buf[0] == 2 && buf[1] == 0) {
            readMeta(); // meta group without preamble: dcmtk and pydicom accept it too
        }
        String uid = fmi == null ? null : fmi.getString(0x00020010);
        if (uid == null || uid.isEmpty()) {
            guessTransferSyntax();
        } else {
            switchTo(TransferSyntax.of(uid));
            checkFirstElementVR();
        }
    }

    /** Reads a raw data set (no preamble, no meta information) in the given transfer syntax. */
    public DicomInputStream(InputStream in, String transferSyntaxUID) throws IOException {
        this.source = in;
        this.in = in;
        switchTo(TransferSyntax.of(transferSyntaxUID));
    }

    public DicomInputStream withLimits(ReadLimits limits) {
        this.limits = java.util.Objects.requireNonNull(limits);
        return this;
    }

    public DicomInputStream withBulkData(BulkDataPolicy policy) {
        this.bulk = java.util.Objects.requireNonNull(policy);
        return this;
    }

    /** Reports each element header as parsed (data set only: the meta information is read by the constructor). */
    public DicomInputStream withListener(ElementListener listener) {
        this.listener = listener;
        return this;
    }

    /** The meta information (group 0002, as read, group length included), or null when the stream has none. */
    public Attributes readFileMetaInformation() { return fmi; }

    /** The transfer syntax of the data set: the meta information's, the one given, or the guessed one. */
    public String getTransferSyntax() { return ts.uid(); }

    /** Bytes consumed so far: the file offset, except after the meta information of a deflated stream, where it counts inflated bytes. */
    public long getPosition() { return bufStart + pos; }

    /** Reads the rest of the data set, to the end of the stream; returns the same object on every call. */
    public Attributes readDataset() throws IOException {
        return readDatasetUntil(NO_STOP);
    }

    /**
     * Reads top-level elements whose tag is below {@code stopTag} (unsigned) and stops before the first other one,
     * leaving the stream at its header, so a later {@link #readDataset()} goes on into the same data set.
     */
    public Attributes readDatasetUntil(int stopTag) throws IOException {
        if (dataset == null) dataset = new Attributes();
        if (complete) return dataset;
        try {
            complete = readItemContent(dataset, -1, 0, stopTag);
        } catch (ZipException e) {
            throw new DicomStreamException("corrupt deflate stream: " + e.getMessage(), getPosition(), e);
        }
        return dataset;
    }

    @Override
    public void close() throws IOException {
        try {
            source.close();
        } finally {
            if (inflater != null) inflater.end();
        }
    }

    // ------------------------------------------------------------------ set-up

    private void readMeta() throws IOException {
        Attributes meta = new Attributes();
        boolean savedExplicit = explicitVR, savedBig = bigEndian;
        bigEndian = false; // group 0002 is explicit VR little endian whatever follows
        while (ensure(6) && buf[pos] == 2 && buf[pos + 1] == 0) {
            explicitVR = isUpper(buf[pos + 4]) && isUpper(buf[pos + 5]); // tolerate implicit VR meta groups
            readHeader(0);
            if (length == UNDEFINED)
                throw error("undefined length in meta information " + TagUtils.toString(tag), headerPos);
            meta.setValue(tag, vr, readBytes(length));
        }
        explicitVR = savedExplicit;
        bigEndian = savedBig;
        fmi = meta;
    }

    /** No meta information: PS3.10 requires one, but raw data sets in files exist; judge by the first header. */
    private void guessTransferSyntax() throws IOException {
        if (!ensure(8)) {
            if (lim - pos == 0) { // empty data set
                switchTo(fmi == null ? TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN : TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
                return;
            }
            throw error("truncated: " + (lim - pos) + " bytes are no data set", getPosition());
        }
        int le = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
        int be = (buf[pos] & 0xFF) << 8 | (buf[pos + 1] & 0xFF);
        boolean explicit = VR.ofCode((buf[pos + 4] & 0xFF) << 8 | (buf[pos + 5] & 0xFF)) != null;
        if (be < le) { // groups are small numbers: the smaller reading is the right byte order
            if (!explicit) throw error("not a DICOM data set: its first bytes read as implicit VR big endian, which no transfer syntax uses", getPosition());
            switchTo(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN);
        } else {
            switchTo(explicit ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN : TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
        }
        LOG.log(System.Logger.Level.DEBUG, "no meta information, guessed {0}", ts);
    }

    private void switchTo(TransferSyntax syntax) throws IOException {
        ts = syntax;
        explicitVR = syntax.explicitVR();
        bigEndian = syntax.bigEndian();
        if (syntax.deflated()) {
            // The buffered bytes are the start of the deflate stream: hand them to the inflater with the rest.
            InputStream rest = new SequenceInputStream(
                    new ByteArrayInputStream(Arrays.copyOfRange(buf, pos, lim)), source);
            inflater = new Inflater(true);
            in = new InflaterInputStream(rest, inflater, 8192);
            bufStart += pos;
            pos = lim = 0;
        }
    }

    /** pydicom's heuristic: files whose meta information says explicit VR but whose data set is implicit, or vice versa. */
    private void checkFirstElementVR() throws IOException {
        if (!ensure(6) || group(pos) == 0xFFFE) return;
        boolean looksExplicit = VR.ofCode((buf[pos + 4] & 0xFF) << 8 | (buf[pos + 5] & 0xFF)) != null;
        if (looksExplicit != explicitVR) {
            LOG.log(System.Logger.Level.WARNING, "transfer syntax {0} says {1} VR but the data set is {2} VR: reading it as found",
                    ts.uid(), explicitVR ? "explicit" : "implicit", looksExplicit ? "explicit" : "implicit");
            explicitVR = looksExplicit;
        }
    }

    // ------------------------------------------------------------------ parsing

    /**
     * Reads elements into {@code attrs} until {@code end} (or, when -1, the item delimitation or end of stream);
     * false when it stopped at {@code stopTag} instead.
     */
    private boolean readItemContent(Attributes attrs, long end, int depth, int stopTag) throws IOException {
        while (true) {
            if (end >= 0) {
                long p = getPosition();
                if (p >= end) {
                    if (p > end) throw error("element overruns its item's length (item ends at " + end + ")", headerPos);
                    return true;
                }
            } else if (depth == 0) {
                if (!ensure(8)) {
                    if (lim == pos) return true; // end of stream between elements: end of data set
                    throw error("truncated element header", getPosition());
                }
                if (stopTag != NO_STOP && Integer.compareUnsigned(tagAt(pos), stopTag) >= 0) return false;
            }
            readHeader(depth);
            if (tag == TagUtils.ITEM_DELIMITATION) {
                if (end < 0 && depth > 0) return true;
                LOG.log(System.Logger.Level.WARNING, "ignored item delimitation outside an item at offset {0}", headerPos);
                continue;
            }
            if (TagUtils.group(tag) == 0xFFFE)
                throw error("unexpected " + TagUtils.toString(tag) + " in a data set", headerPos);
            readValue(attrs, depth);
        }
    }

    private void readValue(Attributes attrs, int depth) throws IOException {
        int t = tag;
        VR v = vr;
        long len = length;
        if (len == UNDEFINED) {
            if (v == VR.SQ || (!explicitVR && t != PIXEL_DATA)) {
                Sequence seq = attrs.newSequence(t, 4);
                readSequence(seq, len, depth);
            } else if (v == VR.UN && t != PIXEL_DATA) {
                Sequence seq = attrs.newSequence(t, 4);
                attrs.setValue(t, VR.UN, seq);
                boolean savedExplicit = explicitVR, savedBig = bigEndian;
                explicitVR = false;
                bigEndian = false;
                try {
                    readSequence(seq, len, depth);
                } finally {
                    explicitVR = savedExplicit;
                    bigEndian = savedBig;
                }
            } else if (v == VR.OB || v == VR.OW || v == VR.UN || t == PIXEL_DATA) {
                readFragments(attrs, t, v == VR.OW || v == VR.UN ? v : VR.OB, depth);
            } else {
                throw error("undefined length for " + TagUtils.toString(t) + " " + v, headerPos);
            }
            return;
        }
        if (v == VR.SQ) {
            readSequence(attrs.newSequence(t, 4), len, depth);
            return;
        }
        if (bulk.mode() != BulkDataPolicy.Mode.INCLUDE && isBulk(t, len, depth)) {
            if (bulk.mode() == BulkDataPolicy.Mode.SKIP) {
                skipBytes(len, false);
                return;
            }
            if (inflater == null) {
                attrs.setValue(t, v, reference(len, v));
                return;
            }
        }
        byte[] b = readBytes(len);
        if (bigEndian && v.swapWidth() > 1) ByteSwap.swap(b, 0, b.length, v.swapWidth());
        if (!explicitVR && v == VR.US && isUsOrSs(t) && pixelRepresentation(attrs) == 1) v = VR.SS;
        attrs.setValue(t, v, b);
    }

    private BulkData reference(long len, VR v) throws IOException {
        long offset = getPosition();
        if (offset + len > bulk.fileLength())
            throw error("truncated: " + TagUtils.toString(tag) + " declares " + len + " bytes, the file ends "
                    + (bulk.fileLength() - offset) + " bytes later", headerPos);
        skipBytes(len, true);
        return new BulkData(bulk.uri(), offset, len, bigEndian && v.swapWidth() > 1);
    }

    private boolean isBulk(int t, long len, int depth) {
        return len > bulk.threshold() || (depth == 0 && isPixelOrWaveform(t));
    }

    /** Pixel Data, Float and Double Float Pixel Data, Waveform Data, Overlay Data. */
    private static boolean isPixelOrWaveform(int t) {
        return t == PIXEL_DATA || t == 0x7FE00008 || t == 0x7FE00009 || t == 0x54001010
                || (t & 0xFF01FFFF) == 0x60003000;
    }

    private void readSequence(Sequence seq, long len, int depth) throws IOException {
        if (depth >= limits.maxDepth())
            throw error("sequence " + TagUtils.toString(tag) + " nests deeper than " + limits.maxDepth(), headerPos);
        int seqTag = tag;
        long end = len == UNDEFINED ? -1 : getPosition() + len;
        while (end < 0 || getPosition() < end) {
            readHeader(depth + 1);
            if (tag == TagUtils.ITEM) {
                readItem(seq.addNewItem(), length, depth + 1);
            } else if (tag == TagUtils.SEQUENCE_DELIMITATION) {
                if (end >= 0) LOG.log(System.Logger.Level.WARNING, "sequence delimitation in defined-length sequence at offset {0}", headerPos);
                return;
            } else if (tag == TagUtils.ITEM_DELIMITATION) {
                LOG.log(System.Logger.Level.WARNING, "ignored item delimitation between items at offset {0}", headerPos);
            } else {
                throw error("expected an item in sequence " + TagUtils.toString(seqTag) + ", found " + TagUtils.toString(tag), headerPos);
            }
        }
        if (getPosition() > end) throw error("item overruns sequence " + TagUtils.toString(seqTag), headerPos);
    }

    private void readItem(Attributes item, long len, int depth) throws IOException {
        boolean savedExplicit = explicitVR;
        if (explicitVR && len != 0 && ensure(6) && group(pos) != 0xFFFE
                && !(isUpper(buf[pos + 4]) && isUpper(buf[pos + 5]))) {
            LOG.log(System.Logger.Level.WARNING, "item at offset {0} is implicit VR in an explicit VR data set: reading it as found", headerPos);
            explicitVR = false;
        }
        try {
            readItemContent(item, len == UNDEFINED ? -1 : getPosition() + len, depth, NO_STOP);
        } finally {
            explicitVR = savedExplicit;
        }
    }

    private void readFragments(Attributes attrs, int t, VR v, int depth) throws IOException {
        boolean bulkElement = bulk.mode() != BulkDataPolicy.Mode.INCLUDE && depth == 0 && isPixelOrWaveform(t);
        boolean skip = bulkElement && bulk.mode() == BulkDataPolicy.Mode.SKIP;
        Fragments frags = skip ? null : attrs.newFragments(t, v, 4);
        while (true) {
            readHeader(depth + 1);
            if (tag == TagUtils.SEQUENCE_DELIMITATION) return;
            if (tag != TagUtils.ITEM)
                throw error("expected a fragment of " + TagUtils.toString(t) + ", found " + TagUtils.toString(tag), headerPos);
            if (length == UNDEFINED) throw error("fragment of undefined length in " + TagUtils.toString(t), headerPos);
            if (skip || (bulk.mode() == BulkDataPolicy.Mode.SKIP && length > bulk.threshold())) {
                skipBytes(length, false);
                if (!skip) frags.add(EMPTY); // keep the fragment count of a non-bulk element
            } else if (bulk.mode() == BulkDataPolicy.Mode.REFERENCE && inflater == null
                    && (bulkElement || length > bulk.threshold())) {
                frags.add(reference(length, VR.OB));
            } else {
                frags.add(readBytes(length));
            }
        }
    }

    private void readHeader(int depth) throws IOException {
        headerPos = getPosition();
        if (!ensure(8)) {
            throw error(lim == pos ? "truncated: the stream ends inside an item or sequence of undefined length"
                    : "truncated element header", headerPos);
        }
        int p = pos;
        int g = group(p);
        tag = g << 16 | u16(p + 2);
        if (g == 0xFFFE) {
            vr = null;
            length = u32(p + 4);
            pos = p + 8;
        } else if (explicitVR) {
            int c1 = buf[p + 4] & 0xFF, c2 = buf[p + 5] & 0xFF;
            VR v = VR.ofCode(c1 << 8 | c2);
            boolean longHeader;
            if (v != null) {
                longHeader = v.hasLongHeader();
            } else {
                longHeader = isUpper((byte) c1) && isUpper((byte) c2);
                LOG.log(System.Logger.Level.WARNING, "unknown VR code 0x{0} in {1} at offset {2}: read as UN with a {3}-byte length",
                        Integer.toHexString(c1 << 8 | c2), TagUtils.toString(tag), headerPos, longHeader ? 4 : 2);
                v = VR.UN;
            }
            vr = v;
            if (longHeader) {
                if (!ensure(12)) throw error("truncated element header of " + TagUtils.toString(tag), headerPos);
                p = pos;
                length = u32(p + 8);
                pos = p + 12;
            } else {
                length = u16(p + 6);
                pos = p + 8;
            }
        } else {
            vr = implicitVR(tag);
            length = u32(p + 4);
            pos = p + 8;
        }
        if (++elementCount > limits.maxElements())
            throw error("more than " + limits.maxElements() + " elements", headerPos);
        if (listener != null) listener.header(depth, tag, vr, length, headerPos);
    }

    private static VR implicitVR(int tag) {
        if (TagUtils.isGroupLength(tag)) return VR.UL;
        if (TagUtils.isPrivate(tag)) return TagUtils.isPrivateCreator(tag) ? VR.LO : VR.UN;
        if (tag == PIXEL_DATA) return VR.OW; // PS3.5 A.1: OW in implicit VR
        VR v = ElementDictionary.vrOf(tag);
        return v == null ? VR.UN : v;
    }

    /**
     * Tags PS3.6 gives "US or SS": the dictionary says US, a signed image (Pixel Representation 1) makes them SS,
     * as pydicom decides them.
     */
    private static boolean isUsOrSs(int t) {
        return switch (t) {
            case 0x00189810, 0x00221452, 0x00280071, 0x00280104, 0x00280105, 0x00280106, 0x00280107, 0x00280108,
                 0x00280109, 0x00280110, 0x00280111, 0x00280120, 0x00280121, 0x00409211, 0x00409216, 0x00603004,
                 0x00603006, 0x00281101, 0x00281102, 0x00281103, 0x00283002 -> true;
            default -> false;
        };
    }

    /** Pixel Representation of the data set or its nearest parent that has one; 0 (unsigned) when none does. */
    private static int pixelRepresentation(Attributes attrs) {
        for (Attributes a = attrs; a != null; a = a.getParent()) {
            byte[] b = a.getBytes(0x00280103);
            if (b != null && b.length >= 2) return (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
        }
        return 0;
    }

    private static boolean isUpper(byte c) { return c >= 'A' && c <= 'Z'; }

    // ------------------------------------------------------------------ bytes

    private int group(int p) { return u16(p); }

    private int tagAt(int p) { return u16(p) << 16 | u16(p + 2); }

    private int u16(int p) {
        return bigEndian ? (buf[p] & 0xFF) << 8 | (buf[p + 1] & 0xFF) : (buf[p] & 0xFF) | (buf[p + 1] & 0xFF) << 8;
    }

    private long u32(int p) {
        int v = bigEndian
                ? (buf[p] & 0xFF) << 24 | (buf[p + 1] & 0xFF) << 16 | (buf[p + 2] & 0xFF) << 8 | (buf[p + 3] & 0xFF)
                : (buf[p] & 0xFF) | (buf[p + 1] & 0xFF) << 8 | (buf[p + 2] & 0xFF) << 16 | (buf[p + 3] & 0xFF) << 24;
        return v & 0xFFFFFFFFL;
    }

    /** True when n (at most the buffer size) bytes are buffered; false when the stream ends first. */
    private boolean ensure(int n) throws IOException {
        return lim - pos >= n || fill(n);
    }

    private boolean fill(int n) throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            bufStart += pos;
            lim -= pos;
            pos = 0;
        }
        while (lim < n) {
            int r = read(buf, lim, buf.length - lim);
            if (r < 0) return false;
            lim += r;
            checkTotal(bufStart + lim);
        }
        return true;
    }

    private int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (EOFException e) { // InflaterInputStream: "Unexpected end of ZLIB input stream"
            return -1;
        }
    }

    private void checkTotal(long total) throws DicomStreamException {
        if (total > limits.maxTotalBytes())
            throw error("stream longer than the limit of " + limits.maxTotalBytes() + " bytes", total);
    }

    /** Reads a value, allocating as its bytes arrive so a hostile length cannot claim heap the stream does not hold. */
    private byte[] readBytes(long len) throws IOException {
        if (len == 0) return EMPTY;
        if (len > limits.maxValueLength())
            throw error(TagUtils.toString(tag) + " " + vr + " value of " + len + " bytes exceeds the limit of "
                    + limits.maxValueLength(), headerPos);
        int n = (int) len;
        byte[] b = new byte[Math.min(n, CHUNK)];
        int got = 0;
        while (got < n) {
            if (got == b.length) b = Arrays.copyOf(b, (int) Math.min(n, 2L * b.length));
            int avail = lim - pos;
            if (avail > 0) {
                int c = Math.min(avail, b.length - got);
                System.arraycopy(buf, pos, b, got, c);
                pos += c;
                got += c;
            } else if (b.length - got >= buf.length) { // large: straight into the value, past the buffer
                int r = read(b, got, b.length - got);
                if (r < 0) throw truncated(len, got);
                bufStart += r;
                got += r;
                checkTotal(bufStart + lim);
            } else if (!fill(1)) {
                throw truncated(len, got);
            }
        }
        return b;
    }

    /** Skips a value: by seeking when the source is the referenced file, else by reading through the buffer. */
    private void skipBytes(long len, boolean seek) throws IOException {
        long left = len;
        int c = (int) Math.min(left, lim - pos);
        pos += c;
        left -= c;
        if (seek) {
            while (left > 0) {
                long s = in.skip(left);
                if (s <= 0) break;
                bufStart += s;
                left -= s;
            }
        }
        while (left > 0) {
            if (!fill(1)) throw truncated(len, len - left);
            c = (int) Math.min(left, lim - pos);
            pos += c;
            left -= c;
        }
        checkTotal(getPosition());
    }

    private DicomStreamException truncated(long len, long got) {
        return error("truncated: " + TagUtils.toString(tag) + " " + vr + " declares " + len + " bytes, the stream ended after "
                + got, headerPos);
    }

    private static DicomStreamException error(String message, long offset) {
        return new DicomStreamException(message, offset);
    }
}
