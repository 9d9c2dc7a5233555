package org.miroir.server.web;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.BulkData;
import org.miroir.dicom.data.Fragments;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.TagUtils;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.BulkDataPolicy;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.io.ElementListener;
import org.miroir.dicom.io.ReadLimits;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.object.ObjectStore;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the values of one stored instance are: its data set with every bulk value (pixel data, waveforms, overlays
 * and any value over {@link #BULK_THRESHOLD} bytes) replaced by a {@link BulkData} reference (uri = object key,
 * file offset, length) and encapsulated pixel data by {@link Fragments} of such references, so metadata is
 * answered and frames and bulk data are sliced by byte range without holding pixel data in heap.
 *
 * <p>The object is read once, header parsed and bulk values skipped: offsets come from the element headers the reader
 * reports. Deflated and big endian objects are the exception: file offsets mean nothing in an inflated stream, and
 * big endian values need swapping, so their values are read into heap (bounded by {@link #IN_HEAP}; both transfer
 * syntaxes are rare and retired or small in practice).
 */
final class InstanceLayout {
    /** Values longer than this are bulk data: the limit the index uses too (HeaderCodec.MAX_VALUE). */
    static final int BULK_THRESHOLD = org.miroir.server.store.HeaderCodec.MAX_VALUE;
    private static final ReadLimits IN_HEAP = ReadLimits.DEFAULT.withMaxValueLength(256L << 20)
            .withMaxTotalBytes(512L << 20).withMaxElements(1_000_000);
    private static final ReadLimits STREAMED = ReadLimits.DEFAULT.withMaxElements(1_000_000);
    private static final long UNDEFINED = 0xFFFFFFFFL;

    final Attributes attrs;
    final String transferSyntax;
    final String objectKey;

    private InstanceLayout(Attributes attrs, String transferSyntax, String objectKey) {
        this.attrs = attrs;
        this.transferSyntax = transferSyntax;
        this.objectKey = objectKey;
    }

    /** Reads the layout of a stored instance. Blocking. */
    static InstanceLayout read(ObjectStore objects, InstanceRecord record) throws IOException {
        try (InputStream in = objects.get(record.objectKey())) {
            DicomInputStream dis = new DicomInputStream(in);
            TransferSyntax ts = TransferSyntax.of(dis.getTransferSyntax());
            if (ts.deflated() || ts.bigEndian()) {
                Attributes attrs = dis.withLimits(IN_HEAP).readDataset();
                return new InstanceLayout(attrs, ts.uid(), record.objectKey());
            }
            Tracker tracker = new Tracker();
            Attributes attrs = dis.withLimits(STREAMED).withBulkData(BulkDataPolicy.skip(BULK_THRESHOLD))
                    .withListener(tracker).readDataset();
            tracker.finish(record.size());
            tracker.apply(attrs, record.objectKey());
            return new InstanceLayout(attrs, ts.uid(), record.objectKey());
        }
    }

    /**
     * The value at a bulk data path ({@code 7FE00010}, or {@code 00540016/0/00181072}: tags and 0-based item
     * indexes), or null when there is none.
     */
    Object valueAt(String tagPath) {
        String[] steps = tagPath.split("/", -1);
        if (steps.length % 2 == 0) return null;
        Attributes a = attrs;
        for (int i = 0; i < steps.length; i++) {
            int tag;
            try {
                tag = (int) Long.parseLong(steps[i], 16);
            } catch (NumberFormatException e) {
                return null;
            }
            if (steps[i].length() != 8) return null;
            if (i == steps.length - 1) return a.getValue(tag);
            Sequence seq = a.getSequence(tag);
            int item;
            try {
                item = Integer.parseInt(steps[++i]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (seq == null || item < 0 || item >= seq.size()) return null;
            a = seq.get(item);
        }
        return null;
    }

    /**
     * Follows the element headers the reader reports: keeps the path of sequences and items, and each skipped
     * value's position (the next header starts right after it) and each pixel data fragment's.
     */
    private static final class Tracker implements ElementListener {
        private static final int DEPTH = 80; // deeper than the reader's nesting limit
        private final int[] tags = new int[DEPTH];
        private final int[] items = new int[DEPTH];
        private final List<Candidate> candidates = new ArrayList<>();
        private Candidate pending;
        private Candidate fragmentsOf;

        /** A value the reader may have skipped: applied only if the parsed data set lacks it. */
        private static final class Candidate {
            final int[] path; // tag, item, tag, item, ... of the enclosing items
            final int tag;
            final VR vr;
            final long length;
            long offset = -1;
            final List<long[]> fragments; // {offset, length}; null for a defined-length value

            Candidate(int[] path, int tag, VR vr, long length, boolean fragmented) {
                this.path = path;
                this.tag = tag;
                this.vr = vr;
                this.length = length;
                this.fragments = fragmented ? new ArrayList<>() : null;
            }
        }

        @Override
        public void header(int depth, int tag, VR vr, long length, long position) {
            if (pending != null) {
                pending.offset = position - pending.length;
                pending = null;
            }
            if (depth >= DEPTH - 1) return;
            if (tag == TagUtils.ITEM) {
                items[depth]++;
                if (fragmentsOf != null && depth == 1) fragmentsOf.fragments.add(new long[] {position + 8, length});
                return;
            }
            if (tag == TagUtils.ITEM_DELIMITATION) return;
            if (tag == TagUtils.SEQUENCE_DELIMITATION) {
                if (depth == 1) fragmentsOf = null;
                return;
            }
            tags[depth] = tag;
            items[depth + 1] = -1;
            if (depth == 0) fragmentsOf = null;
            boolean bulkGroup = depth == 0 && isBulkGroup(tag);
            if (length == UNDEFINED) {
                if (bulkGroup) {
                    fragmentsOf = new Candidate(new int[0], tag, vr, length, true);
                    candidates.add(fragmentsOf);
                }
            } else if (vr != VR.SQ && (length > BULK_THRESHOLD || bulkGroup)) {
                pending = new Candidate(path(depth), tag, vr, length, false);
                candidates.add(pending);
            }
        }

        /** Pixel data (7FE0), waveform (5400) and overlay (60xx) groups: the reader's bulk elements at top level. */
        private static boolean isBulkGroup(int tag) {
            int g = tag >>> 16;
            return g == 0x7FE0 || g == 0x5400 || (g & 0xFF01) == 0x6000;
        }

        private int[] path(int depth) {
            int[] p = new int[2 * depth];
            for (int d = 0; d < depth; d++) {
                p[2 * d] = tags[d];
                p[2 * d + 1] = items[d + 1];
            }
            return p;
        }

        /** The last skipped value ends where the object does. */
        void finish(long objectSize) {
            if (pending != null) pending.offset = objectSize - pending.length;
            pending = null;
        }

        void apply(Attributes attrs, String objectKey) {
            for (Candidate c : candidates) {
                Attributes owner = navigate(attrs, c.path);
                if (owner == null || owner.contains(c.tag)) continue;
                if (c.fragments != null) {
                    Fragments f = owner.newFragments(c.tag, c.vr == VR.UN ? VR.UN : VR.OB, c.fragments.size());
                    for (long[] frag : c.fragments) f.add(new BulkData(objectKey, frag[0], frag[1], false));
                } else if (c.offset >= 0) {
                    owner.setValue(c.tag, c.vr, new BulkData(objectKey, c.offset, c.length, false));
                }
            }
        }

        private static Attributes navigate(Attributes attrs, int[] path) {
            Attributes a = attrs;
            for (int i = 0; i < path.length; i += 2) {
                Sequence s = a.getSequence(path[i]);
                if (s == null || path[i + 1] < 0 || path[i + 1] >= s.size()) return null;
                a = s.get(path[i + 1]);
            }
            return a;
        }
    }
}
