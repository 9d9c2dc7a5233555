package org.miroir.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.VR;

/**
 * Broken and hostile input: each ends in a {@link DicomStreamException} naming the offset (or, for random bytes,
 * at worst in a harmless partial parse), never in a hang, an {@link OutOfMemoryError} or a stack overflow.
 */
class DicomInputStreamHostileTest {
    private static final String IMPLICIT = TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid();
    private static final String EXPLICIT = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();
    /** Hang guard only: each case parses a few KiB. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(20);

    private static Attributes read(byte[] b, String ts, ReadLimits limits) throws IOException {
        return new DicomInputStream(new ByteArrayInputStream(b), ts).withLimits(limits).readDataset();
    }

    private static ByteBuffer le(int size) { return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN); }

    /** Puts a tag as encoded: group, then element, each little endian. */
    private static ByteBuffer tag(ByteBuffer bb, int tag) {
        return bb.putShort((short) (tag >>> 16)).putShort((short) tag);
    }

    @Test
    void hugeDeclaredLengthOnATinyStreamFailsWithoutAllocatingIt() {
        // (0010,0010) implicit VR, length 0xFFFFFFF0, then 6 bytes
        byte[] b = tag(le(14), 0x00100010).putInt(0xFFFFFFF0).put("Doe^Jo".getBytes()).array();
        long before = usedHeap();
        assertTimeoutPreemptively(HANG_GUARD, () ->
                assertThatThrownBy(() -> read(b, IMPLICIT, ReadLimits.DEFAULT))
                        .isInstanceOf(DicomStreamException.class)
                        .hasMessageContaining("(0010,0010)").hasMessageContaining("at offset 0"));
        assertThat(usedHeap() - before).as("heap grown by the attempt").isLessThan(64L << 20);
        // with a value limit it is refused before a byte is read
        assertThatThrownBy(() -> read(b, IMPLICIT, ReadLimits.DEFAULT.withMaxValueLength(1 << 20)))
                .isInstanceOf(DicomStreamException.class).hasMessageContaining("exceeds the limit");
    }

    @Test
    void hugeDeclaredLengthOnAStreamThatKeepsComingIsBoundedByTheLimits() {
        // 2 GiB declared; the stream delivers zeros until the total limit trips
        byte[] head = tag(le(8), 0x00100010).putInt(0x7FFFFFF0).array();
        InputStream endless = new InputStream() {
            int pos;
            @Override public int read() { return pos < head.length ? head[pos++] & 0xFF : 0; }
            @Override public int read(byte[] b, int off, int len) {
                for (int k = 0; k < len; k++) b[off + k] = (byte) read();
                return len;
            }
        };
        assertTimeoutPreemptively(HANG_GUARD, () ->
                assertThatThrownBy(() -> new DicomInputStream(endless, IMPLICIT)
                        .withLimits(ReadLimits.DEFAULT.withMaxTotalBytes(16 << 20)).readDataset())
                        .isInstanceOf(DicomStreamException.class).hasMessageContaining("limit of 16777216 bytes"));
    }

    @Test
    void truncatedMidElementNamesTagAndOffset() throws IOException {
        Attributes ds = new Attributes();
        ds.setString(0x00100010, VR.PN, "Doe^John");
        ds.setString(0x00100020, VR.LO, "ID-12345");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DicomOutputStream dos = new DicomOutputStream(out, EXPLICIT)) {
            dos.writeDataset(ds);
        }
        byte[] full = out.toByteArray();
        for (int cut = 1; cut < full.length; cut++) {
            byte[] b = Arrays.copyOf(full, cut);
            if (cut == 16) { // between the two elements: a shorter, complete data set
                assertThat(read(b, EXPLICIT, ReadLimits.DEFAULT).size()).isEqualTo(1);
                continue;
            }
            assertThatThrownBy(() -> read(b, EXPLICIT, ReadLimits.DEFAULT)).as("cut at %d", cut)
                    .isInstanceOf(DicomStreamException.class).hasMessageContaining("truncated");
        }
        assertThatThrownBy(() -> read(Arrays.copyOf(full, 26), EXPLICIT, ReadLimits.DEFAULT))
                .hasMessageContaining("(0010,0020) LO declares 8 bytes").hasMessageContaining("at offset 16");
    }

    @Test
    void nestingBeyondTheLimitFailsClearly() {
        Attributes root = new Attributes();
        Attributes cur = root;
        for (int depth = 0; depth < 100; depth++) {
            Sequence s = cur.newSequence(0x00081115, 1);
            cur = s.addNewItem();
        }
        byte[] b = toBytes(root, IMPLICIT);
        assertThatThrownBy(() -> read(b, IMPLICIT, ReadLimits.DEFAULT.withMaxDepth(64)))
                .isInstanceOf(DicomStreamException.class).hasMessageContaining("nests deeper than 64");
        // within the limit the same stream reads
        assertThat(assertTimeoutPreemptively(HANG_GUARD, () -> read(b, IMPLICIT, ReadLimits.DEFAULT.withMaxDepth(100))))
                .isEqualTo(root);
    }

    @Test
    void deepNestingOfEmptyHeadersCannotOverflowTheStack() {
        // 100,000 nested undefined-length sequence + item headers: 16 bytes a level, no content
        ByteBuffer bb = le(100_000 * 16);
        for (int k = 0; k < 100_000; k++) tag(tag(bb, 0x00081115).putInt(-1), 0xFFFEE000).putInt(-1);
        assertTimeoutPreemptively(HANG_GUARD, () ->
                assertThatThrownBy(() -> read(bb.array(), IMPLICIT, ReadLimits.DEFAULT))
                        .isInstanceOf(DicomStreamException.class).hasMessageContaining("nests deeper than"));
    }

    @Test
    void tooManyElementsFail() {
        ByteBuffer bb = le(100_000 * 8);
        for (int k = 0; k < 100_000; k++) tag(bb, 0x00091000 + k % 0xEFFF).putInt(0);
        assertThatThrownBy(() -> read(bb.array(), IMPLICIT, ReadLimits.DEFAULT.withMaxElements(10_000)))
                .isInstanceOf(DicomStreamException.class).hasMessageContaining("more than 10000 elements");
    }

    @Test
    void randomBytesEndInAClearErrorOrAPartialParseNeverAHang() {
        Random random = new Random(20261123);
        ReadLimits limits = ReadLimits.DEFAULT.withMaxValueLength(1 << 20).withMaxTotalBytes(1 << 20)
                .withMaxElements(100_000);
        int failures = 0;
        for (int run = 0; run < 2_000; run++) {
            byte[] b = new byte[random.nextInt(4096)];
            random.nextBytes(b);
            if (run % 3 == 0 && b.length > 132) { // a Part 10 prefix makes the fuzz reach the meta and data set
                System.arraycopy("DICM".getBytes(), 0, b, 128, 4);
            }
            boolean failed = assertTimeoutPreemptively(HANG_GUARD, () -> {
                try {
                    new DicomInputStream(new ByteArrayInputStream(b)).withLimits(limits).readDataset();
                    return false;
                } catch (DicomStreamException e) {
                    assertThat(e.getMessage()).contains(" at offset ");
                    assertThat(e.offset()).isBetween(0L, (long) b.length);
                    return true;
                } catch (IllegalArgumentException e) { // a meta information naming an empty transfer syntax
                    return true;
                }
            });
            if (failed) failures++;
        }
        assertThat(failures).as("random bytes are rarely a data set").isGreaterThan(1_500);
    }

    @Test
    void mutatedValidFilesNeverEscapeAsOtherExceptions() throws IOException {
        byte[] valid = toBytes(DicomStreamRoundTripTest.sample(), EXPLICIT);
        Random random = new Random(7);
        for (int run = 0; run < 2_000; run++) {
            byte[] b = valid.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) b[random.nextInt(b.length)] = (byte) random.nextInt();
            assertTimeoutPreemptively(HANG_GUARD, () -> {
                try {
                    read(b, EXPLICIT, ReadLimits.DEFAULT.withMaxValueLength(1 << 20));
                } catch (DicomStreamException expected) {
                    assertThat(expected.getMessage()).contains(" at offset ");
                }
            });
        }
    }

    @Test
    void sequenceItemOverrunningItsDeclaredLengthFails() {
        // SQ of defined length 8 holding an item that declares 100 bytes of content
        ByteBuffer bb = le(8 + 8 + 8 + 8);
        tag(tag(tag(bb, 0x00081115).putInt(16), 0xFFFEE000).putInt(100), 0x00080018).putInt(0).putInt(0).putInt(0);
        assertThatThrownBy(() -> read(bb.array(), IMPLICIT, ReadLimits.DEFAULT))
                .isInstanceOf(DicomStreamException.class);
    }

    @Test
    void unknownExplicitVrCodesAreReadAsUnTheWayDcmtkDoes() throws IOException {
        ByteBuffer bb = le(64);
        // "XZ": two capitals, a VR of a later edition: 2 reserved bytes and a 4-byte length
        tag(bb, 0x00091010).put((byte) 'X').put((byte) 'Z').putShort((short) 0).putInt(2).put((byte) 1).put((byte) 2);
        // "??": not a VR code at all: a 2-byte length
        tag(bb, 0x00091011).put((byte) '?').put((byte) '?').putShort((short) 4).put("abcd".getBytes());
        tag(bb, 0x00100020).put((byte) 'L').put((byte) 'O').putShort((short) 2).put("ID".getBytes());
        Attributes ds = read(Arrays.copyOf(bb.array(), bb.position()), EXPLICIT, ReadLimits.DEFAULT);
        assertThat(ds.getVR(0x00091010)).isEqualTo(VR.UN);
        assertThat(ds.getBytes(0x00091010)).containsExactly(1, 2);
        assertThat(ds.getVR(0x00091011)).isEqualTo(VR.UN);
        assertThat(ds.getBytes(0x00091011)).containsExactly('a', 'b', 'c', 'd');
        assertThat(ds.getString(0x00100020)).isEqualTo("ID");
    }

    @Test
    void anImplicitVrItemInAnExplicitVrSequenceIsReadAsFound() throws IOException {
        ByteBuffer bb = le(128);
        tag(bb, 0x00081115).put((byte) 'S').put((byte) 'Q').putShort((short) 0).putInt(-1);
        tag(bb, 0xFFFEE000).putInt(-1);
        tag(bb, 0x00081155).putInt(4).put("1.2".getBytes()).put((byte) 0);   // implicit VR inside
        tag(bb, 0xFFFEE00D).putInt(0);
        tag(bb, 0xFFFEE0DD).putInt(0);
        tag(bb, 0x00100020).put((byte) 'L').put((byte) 'O').putShort((short) 2).put("ID".getBytes());
        Attributes ds = read(Arrays.copyOf(bb.array(), bb.position()), EXPLICIT, ReadLimits.DEFAULT);
        Attributes item = ds.getNestedDataset(0x00081115);
        assertThat(item.getVR(0x00081155)).isEqualTo(VR.UI);
        assertThat(item.getString(0x00081155)).isEqualTo("1.2");
        assertThat(ds.getString(0x00100020)).isEqualTo("ID");
    }

    @Test
    void corruptDeflateStreamFailsClearly() {
        byte[] b = new byte[64];
        Arrays.fill(b, (byte) 0xFF);
        assertThatThrownBy(() -> read(b, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.uid(), ReadLimits.DEFAULT))
                .isInstanceOf(DicomStreamException.class).hasMessageContaining("deflate");
    }

    private static byte[] toBytes(Attributes ds, String ts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DicomOutputStream dos = new DicomOutputStream(out, ts)) {
            dos.writeDataset(ds);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
