package org.miroir.dicom.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.BulkData;
import org.miroir.dicom.data.Fragments;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.TagUtils;
import org.miroir.dicom.data.VR;

/**
 * Writes Part 10 files and raw data sets in any uncompressed transfer syntax; encapsulated (compressed) Pixel Data
 * passes through as its fragments.
 *
 * <p>Choices: values are written as held (the {@link Attributes} setters pad text to even length; an odd length
 * read from a file stays odd), group length elements too (only (0002,0000) is computed). Sequences and items are
 * written with undefined length, so nothing needs measuring before it is written and a data set streams in one
 * pass; a sequence held with VR UN is written as UN of undefined length holding implicit VR little endian items
 * (PS3.5 6.2.2). In explicit VR a value too long for a 2-byte length field (more than 0xFFFF bytes of AE..US) is
 * written as UN, as PS3.5 6.2.2 allows. {@link BulkData} is streamed from its file in chunks.
 */
public class DicomOutputStream implements Closeable {
    private static final System.Logger LOG = System.getLogger(DicomOutputStream.class.getName());
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final long UNDEFINED = 0xFFFFFFFFL;

    private final OutputStream out;
    private OutputStream sink;
    private Deflater deflater;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private TransferSyntax ts;
    private boolean explicitVR;
    private boolean bigEndian;
    private boolean finished;

    public DicomOutputStream(OutputStream out, String transferSyntaxUID) {
        this.out = out;
        this.sink = out;
        setTransferSyntax(TransferSyntax.of(transferSyntaxUID));
    }

    private void setTransferSyntax(TransferSyntax syntax) {
        ts = syntax;
        explicitVR = syntax.explicitVR();
        bigEndian = syntax.bigEndian();
    }

    public String getTransferSyntax() { return ts.uid(); }

    /**
     * Writes the 128-byte preamble, "DICM" and the group 0002 elements of {@code fmi} in explicit VR little endian,
     * with a freshly computed (0002,0000); then switches to the transfer syntax named by its (0002,0010).
     */
    public void writeFileMetaInformation(Attributes fmi) throws IOException {
        if (deflater != null) throw new IllegalStateException("meta information after a deflated data set");
        for (int k = 0; k < 128; k++) put(0);
        put('D'); put('I'); put('C'); put('M');
        long groupLength = 0;
        for (int k = 0; k < fmi.size(); k++) {
            int tag = fmi.tagAt(k);
            if (TagUtils.group(tag) != 2 || tag == 0x00020000) continue;
            if (!(fmi.valueAt(k) instanceof byte[] b))
                throw new IllegalArgumentException("meta information element " + TagUtils.toString(tag) + " is not a plain value");
            groupLength += (fmi.vrAt(k).hasLongHeader() ? 12 : 8) + b.length;
        }
        boolean savedExplicit = explicitVR, savedBig = bigEndian;
        explicitVR = true;
        bigEndian = false;
        header(0x00020000, VR.UL, 4);
        int32((int) groupLength);
        for (int k = 0; k < fmi.size(); k++) {
            int tag = fmi.tagAt(k);
            if (TagUtils.group(tag) != 2 || tag == 0x00020000) continue;
            writeElement(tag, fmi.vrAt(k), fmi.valueAt(k));
        }
        explicitVR = savedExplicit;
        bigEndian = savedBig;
        String uid = fmi.getString(0x00020010);
        if (uid != null && !uid.isEmpty()) setTransferSyntax(TransferSyntax.of(uid));
    }

    /** Writes the meta information (unless {@code fmi} is null: a raw data set) and the data set. */
    public void writeDataset(Attributes fmi, Attributes dataset) throws IOException {
        if (fmi != null) writeFileMetaInformation(fmi);
        writeDataset(dataset);
    }

    /**
     * Writes a data set in the current transfer syntax and flushes. A deflated data set is the whole rest of the
     * stream, so this also finishes the deflate stream.
     */
    public void writeDataset(Attributes dataset) throws IOException {
        if (finished) throw new IllegalStateException("stream finished");
        if (ts.deflated()) {
            if (deflater != null) throw new IllegalStateException("a deflated stream holds one data set");
            flushBuffer();
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            sink = new DeflaterOutputStream(out, deflater, BUFFER_SIZE);
        }
        writeElements(dataset);
        if (deflater != null) finish();
        else flush();
    }

    /**
     * Encodes a DIMSE command set: implicit VR little endian whatever the stream's transfer syntax, with its
     * (0000,0000) Command Group Length computed from the group 0000 elements that follow it.
     */
    public static byte[] encodeCommand(Attributes command) {
        Attributes cmd = command.subset(0x00000001, 0x00010000);
        int length = 0;
        for (int k = 0; k < cmd.size(); k++) {
            if (!(cmd.valueAt(k) instanceof byte[] b))
                throw new IllegalArgumentException("command element " + TagUtils.toString(cmd.tagAt(k)) + " is not a plain value");
            length += 8 + b.length;
        }
        cmd.setValue(0x00000000, VR.UL, new byte[] {(byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) (length >>> 24)});
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(length + 12);
        try {
            DicomOutputStream dos = new DicomOutputStream(bytes, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid());
            dos.writeElements(cmd);
            dos.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** Writes out what is buffered. */
    public void flush() throws IOException {
        flushBuffer();
        sink.flush();
    }

    /** Writes out what is buffered and completes the deflate stream, if any; the stream stays open. */
    public void finish() throws IOException {
        flushBuffer();
        if (deflater != null && !finished) {
            ((DeflaterOutputStream) sink).finish();
            deflater.end();
            finished = true;
        }
        sink.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }

    // ------------------------------------------------------------------ elements

    private void writeElements(Attributes attrs) throws IOException {
        for (int k = 0, n = attrs.size(); k < n; k++) writeElement(attrs.tagAt(k), attrs.vrAt(k), attrs.valueAt(k));
    }

    private void writeElement(int tag, VR vr, Object value) throws IOException {
        if (value instanceof byte[] b) {
            VR wvr = headerVR(tag, vr, b.length);
            header(tag, wvr, b.length);
            if (bigEndian && vr.swapWidth() > 1) {
                writeSwapped(b, 0, b.length, vr.swapWidth());
            } else {
                write(b, 0, b.length);
            }
        } else if (value instanceof Sequence seq) {
            writeSequence(tag, vr, seq);
        } else if (value instanceof Fragments frags) {
            header(tag, vr, UNDEFINED);
            for (Object f : frags) {
                if (f instanceof byte[] b) {
                    header(TagUtils.ITEM, null, b.length);
                    write(b, 0, b.length);
                } else {
                    BulkData bd = (BulkData) f;
                    header(TagUtils.ITEM, null, checkLength(tag, bd.length()));
                    copyBulkData(bd, 0);
                }
            }
            header(TagUtils.SEQUENCE_DELIMITATION, null, 0);
        } else if (value instanceof BulkData bd) {
            long len = checkLength(tag, bd.length());
            header(tag, headerVR(tag, vr, len), len);
            copyBulkData(bd, bd.bigEndian() != bigEndian ? vr.swapWidth() : 0);
        } else {
            throw new IllegalArgumentException("unsupported value " + value + " in " + TagUtils.toString(tag));
        }
    }

    private static long checkLength(int tag, long len) {
        if (len >= UNDEFINED) throw new IllegalArgumentException(TagUtils.toString(tag) + ": value too long for DICOM (" + len + " bytes)");
        return len;
    }

    private VR headerVR(int tag, VR vr, long len) {
        if (!explicitVR || vr.hasLongHeader() || len <= 0xFFFF) return vr;
        LOG.log(System.Logger.Level.DEBUG, "{0} {1} of {2} bytes written as UN", TagUtils.toString(tag), vr, len);
        return VR.UN;
    }

    private void writeSequence(int tag, VR vr, Sequence seq) throws IOException {
        boolean asUN = vr == VR.UN;
        header(tag, asUN ? VR.UN : VR.SQ, UNDEFINED);
        boolean savedExplicit = explicitVR, savedBig = bigEndian;
        if (asUN) { // PS3.5 6.2.2: the value of an undefined-length UN is implicit VR little endian
            explicitVR = false;
            bigEndian = false;
        }
        for (Attributes item : seq) {
            header(TagUtils.ITEM, null, UNDEFINED);
            writeElements(item);
            header(TagUtils.ITEM_DELIMITATION, null, 0);
        }
        header(TagUtils.SEQUENCE_DELIMITATION, null, 0);
        explicitVR = savedExplicit;
        bigEndian = savedBig;
    }

    private void copyBulkData(BulkData bd, int swapWidth) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(bd.uri()))) {
            in.skipNBytes(bd.offset());
            long left = bd.length();
            while (left > 0) {
                if (pos == buf.length) flushBuffer();
                int n = (int) Math.min(left, buf.length - pos);
                if (swapWidth > 1 && n < left) n -= n % swapWidth; // whole numbers per chunk
                if (n == 0) {
                    flushBuffer();
                    continue;
                }
                if (in.readNBytes(buf, pos, n) < n) throw new java.io.EOFException();
                if (swapWidth > 1) ByteSwap.swap(buf, pos, n, swapWidth);
                pos += n;
                left -= n;
            }
        } catch (java.io.EOFException e) {
            throw new IOException("bulk data " + bd + " extends past the end of its file", e);
        }
    }

    // ------------------------------------------------------------------ bytes

    private void header(int tag, VR vr, long len) throws IOException {
        if (buf.length - pos < 12) flushBuffer();
        short16(tag >>> 16);
        short16(tag);
        if (vr == null || !explicitVR) {
            int32((int) len);
        } else {
            put(vr.code() >>> 8);
            put(vr.code());
            if (vr.hasLongHeader()) {
                put(0);
                put(0);
                int32((int) len);
            } else {
                short16((int) len);
            }
        }
    }

    private void short16(int v) {
        if (bigEndian) {
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        } else {
            buf[pos++] = (byte) v;
            buf[pos++] = (byte) (v >>> 8);
        }
    }

    private void int32(int v) throws IOException {
        if (buf.length - pos < 4) flushBuffer();
        if (bigEndian) {
            short16(v >>> 16);
            short16(v);
        } else {
            short16(v);
            short16(v >>> 16);
        }
    }

    private void put(int b) throws IOException {
        if (pos == buf.length) flushBuffer();
        buf[pos++] = (byte) b;
    }

    private void write(byte[] b, int off, int len) throws IOException {
        if (len > buf.length - pos) {
            flushBuffer();
            if (len >= buf.length) {
                sink.write(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    /** Copies through the buffer and swaps there, leaving the caller's value untouched. */
    private void writeSwapped(byte[] b, int off, int len, int width) throws IOException {
        while (len > 0) {
            if (buf.length - pos < width) flushBuffer();
            int n = Math.min(len, buf.length - pos);
            if (n < len) n -= n % width;
            System.arraycopy(b, off, buf, pos, n);
            ByteSwap.swap(buf, pos, n, width);
            pos += n;
            off += n;
            len -= n;
        }
    }

    private void flushBuffer() throws IOException {
        if (pos > 0) {
            sink.write(buf, 0, pos);
            pos = 0;
        }
    }
}
