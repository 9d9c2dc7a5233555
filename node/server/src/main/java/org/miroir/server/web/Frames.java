package org.miroir.server.web;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.BulkData;
import org.miroir.dicom.data.Fragments;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.storage.object.ObjectStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The frames of an instance's pixel data (PS3.18 10.4.1.1.5), each a list of pieces: {@link BulkData} byte ranges
 * of the object or {@code byte[]} values held in heap. Native pixel data is sliced by frame size; encapsulated
 * pixel data is split into frames by its Basic or Extended Offset Table, or one fragment per frame, or all
 * fragments for a single frame (PS3.5 A.4).
 */
final class Frames {
    /** The frame list of one request: bounds the parts one URL can ask for. */
    static final int MAX_FRAMES_PER_REQUEST = 10_000;

    /** PS3.18 Table 8.7.3-5: the media type of frames in each encapsulated transfer syntax. */
    private static final Map<String, String> MEDIA_TYPES = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2.4.50", "image/jpeg"), Map.entry("1.2.840.10008.1.2.4.51", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.57", "image/jpeg"), Map.entry("1.2.840.10008.1.2.4.70", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.80", "image/jls"), Map.entry("1.2.840.10008.1.2.4.81", "image/jls"),
            Map.entry("1.2.840.10008.1.2.4.90", "image/jp2"), Map.entry("1.2.840.10008.1.2.4.91", "image/jp2"),
            Map.entry("1.2.840.10008.1.2.4.92", "image/jpx"), Map.entry("1.2.840.10008.1.2.4.93", "image/jpx"),
            Map.entry("1.2.840.10008.1.2.4.201", "image/jphc"), Map.entry("1.2.840.10008.1.2.4.202", "image/jphc"),
            Map.entry("1.2.840.10008.1.2.4.203", "image/jphc"), Map.entry("1.2.840.10008.1.2.5", "image/dicom-rle"),
            Map.entry("1.2.840.10008.1.2.4.100", "video/mpeg2"), Map.entry("1.2.840.10008.1.2.4.101", "video/mpeg2"),
            Map.entry("1.2.840.10008.1.2.4.102", "video/mp4"), Map.entry("1.2.840.10008.1.2.4.103", "video/mp4"),
            Map.entry("1.2.840.10008.1.2.4.104", "video/mp4"), Map.entry("1.2.840.10008.1.2.4.105", "video/mp4"),
            Map.entry("1.2.840.10008.1.2.4.106", "video/mp4"), Map.entry("1.2.840.10008.1.2.4.107", "video/H265"),
            Map.entry("1.2.840.10008.1.2.4.108", "video/H265"));

    /** One frame: its pieces in order, and its length in bytes. */
    record Frame(List<Object> pieces, long length) {}

    private final List<Frame> frames;
    /** The media type of each frame, without parameters. */
    final String mediaType;
    /** The transfer syntax the frames are encoded in (Explicit VR Little Endian for native pixel data). */
    final String transferSyntax;

    private Frames(List<Frame> frames, String mediaType, String transferSyntax) {
        this.frames = frames;
        this.mediaType = mediaType;
        this.transferSyntax = transferSyntax;
    }

    int count() {
        return frames.size();
    }

    /** Frame {@code number}, 1-based. */
    Frame frame(int number) {
        if (number < 1 || number > frames.size())
            throw WebError.notFound("frame " + number + " does not exist: the instance has " + frames.size());
        return frames.get(number - 1);
    }

    /** The part Content-Type of a frame: media type with its transfer-syntax parameter. */
    String partContentType() {
        return mediaType + "; transfer-syntax=" + transferSyntax;
    }

    /** Parses a frame list ("1,3,5"): positive integers, comma-separated. */
    static int[] parseList(String list) {
        String[] items = list.split(",", -1);
        if (items.length > MAX_FRAMES_PER_REQUEST)
            throw WebError.badRequest("more than " + MAX_FRAMES_PER_REQUEST + " frames in one request");
        int[] out = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            try {
                out[i] = Integer.parseInt(items[i].strip());
            } catch (NumberFormatException e) {
                throw WebError.badRequest("frame list must be comma-separated frame numbers: " + list);
            }
            if (out[i] < 1) throw WebError.badRequest("frame numbers start at 1: " + list);
        }
        return out;
    }

    /** The frames of an instance; reads the offset table from the object when it is bulk data. Blocking. */
    static Frames of(InstanceLayout layout, ObjectStore objects) throws IOException {
        Attributes a = layout.attrs;
        Object pixels = a.getValue(Tag.PixelData);
        if (pixels == null) throw WebError.notFound("the instance has no pixel data");
        int frameCount = Math.max(1, a.getInt(Tag.NumberOfFrames, 1));
        if (pixels instanceof Fragments f) {
            String ts = layout.transferSyntax;
            return new Frames(encapsulated(a, f, frameCount, objects), MEDIA_TYPES.getOrDefault(ts, MediaType.OCTET_STREAM), ts);
        }
        return new Frames(nativeFrames(a, pixels, frameCount), MediaType.OCTET_STREAM,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid());
    }

    private static List<Frame> nativeFrames(Attributes a, Object pixels, int frameCount) {
        long rows = a.getInt(Tag.Rows, 0), columns = a.getInt(Tag.Columns, 0);
        long samples = a.getInt(Tag.SamplesPerPixel, 1), bits = a.getInt(Tag.BitsAllocated, 0);
        String photometric = a.getString(Tag.PhotometricInterpretation, "");
        if (photometric.endsWith("_422")) samples = 2; // two samples per pixel on average (PS3.3 C.7.6.3.1.2)
        long frameBits = rows * columns * samples * bits;
        if (frameBits <= 0) throw new WebError(500, "pixel data without usable Rows, Columns, Bits Allocated");
        if (frameBits % 8 != 0 && frameCount > 1)
            throw new WebError(501, "frames of bit-packed pixel data not aligned on bytes are not supported");
        long frameLength = (frameBits + 7) / 8;
        long total = pixels instanceof BulkData bd ? bd.length() : ((byte[]) pixels).length;
        List<Frame> out = new ArrayList<>(frameCount);
        for (int k = 0; k < frameCount; k++) {
            long start = k * frameLength;
            if (start + frameLength > total) break; // pixel data shorter than its attributes say: fewer frames
            Object piece = pixels instanceof BulkData bd
                    ? new BulkData(bd.uri(), bd.offset() + start, frameLength, false)
                    : Arrays.copyOfRange((byte[]) pixels, (int) start, (int) (start + frameLength));
            out.add(new Frame(List.of(piece), frameLength));
        }
        return out;
    }

    private static List<Frame> encapsulated(Attributes a, Fragments f, int frameCount, ObjectStore objects)
            throws IOException {
        int n = f.size() - 1; // after the Basic Offset Table
        if (n <= 0) return List.of();
        List<Object> fragments = f.subList(1, f.size());
        // Offsets of each fragment's item header, from the first fragment's (what offset tables count).
        long[] itemOffsets = new long[n];
        for (int i = 1; i < n; i++) itemOffsets[i] = itemOffsets[i - 1] + 8 + length(fragments.get(i - 1));
        if (frameCount == 1) return List.of(frameOf(fragments, 0, n));
        long[] table = offsetTable(a, f.get(0), objects);
        List<Frame> out = new ArrayList<>(frameCount);
        if (table.length == frameCount) {
            for (int k = 0; k < frameCount; k++) {
                long from = table[k], to = k + 1 < frameCount ? table[k + 1] : Long.MAX_VALUE;
                int first = -1, end = n;
                for (int i = 0; i < n; i++) {
                    if (first < 0 && itemOffsets[i] >= from) first = i;
                    if (itemOffsets[i] >= to) {
                        end = i;
                        break;
                    }
                }
                if (first < 0 || first >= end || itemOffsets[first] != from)
                    throw new WebError(500, "the offset table does not match the fragments");
                out.add(frameOf(fragments, first, end));
            }
            return out;
        }
        if (n == frameCount) {
            for (int i = 0; i < n; i++) out.add(frameOf(fragments, i, i + 1));
            return out;
        }
        throw new WebError(501, frameCount + " frames in " + n + " fragments without an offset table: cannot tell them apart");
    }

    private static Frame frameOf(List<Object> fragments, int from, int to) {
        List<Object> pieces = new ArrayList<>(fragments.subList(from, to));
        long len = 0;
        for (Object p : pieces) len += length(p);
        return new Frame(pieces, len);
    }

    static long length(Object piece) {
        return piece instanceof BulkData bd ? bd.length() : ((byte[]) piece).length;
    }

    /** The Extended Offset Table (7FE0,0001) if present, else the Basic Offset Table; empty when neither has entries. */
    private static long[] offsetTable(Attributes a, Object basic, ObjectStore objects) throws IOException {
        Object extended = a.getValue(Tag.ExtendedOffsetTable);
        if (extended != null) {
            ByteBuffer bb = ByteBuffer.wrap(bytes(extended, objects)).order(ByteOrder.LITTLE_ENDIAN);
            long[] t = new long[bb.remaining() / 8];
            for (int i = 0; i < t.length; i++) t[i] = bb.getLong();
            return t;
        }
        ByteBuffer bb = ByteBuffer.wrap(bytes(basic, objects)).order(ByteOrder.LITTLE_ENDIAN);
        long[] t = new long[bb.remaining() / 4];
        for (int i = 0; i < t.length; i++) t[i] = bb.getInt() & 0xFFFFFFFFL;
        return t;
    }

    /** A value's bytes, read from the object when it is a reference (offset tables: small). */
    private static byte[] bytes(Object v, ObjectStore objects) throws IOException {
        if (v instanceof byte[] b) return b;
        BulkData bd = (BulkData) v;
        if (bd.length() > 64L << 20) throw new WebError(500, "offset table larger than 64 MiB");
        try (InputStream in = objects.get(bd.uri(), bd.offset(), bd.length())) {
            return in.readAllBytes();
        }
    }

    /** Opens one piece for reading. Blocking. */
    static InputStream open(Object piece, ObjectStore objects) throws IOException {
        if (piece instanceof byte[] b) return new java.io.ByteArrayInputStream(b);
        BulkData bd = (BulkData) piece;
        return objects.get(bd.uri(), bd.offset(), bd.length());
    }
}
