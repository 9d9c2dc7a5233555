package org.miroir.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.TagUtils;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.testing.DatasetAssert;
import org.miroir.dicom.testing.PydicomCorpus;

/**
 * Read, then write in the same transfer syntax: byte-identical to the original (from the "DICM" prefix on) for
 * every Part 10 file of the pydicom corpus that uses the writer's conventions: undefined-length sequences and
 * items, elements in ascending order, each tag once, a correct meta group length and a data set in the encoding
 * its meta information names. Every other file is written differently but must read back equal, and the reason it
 * differs is asserted: {@link #NOT_IDENTICAL} says why for the files not recognised automatically.
 */
class DicomOutputStreamCorpusTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);
    private static final long UNDEFINED = 0xFFFFFFFFL;

    /** Files whose rewrite differs for a reason the listener cannot see, with that reason. */
    private static final Map<String, String> NOT_IDENTICAL = Map.of(
            "test_files/SC_rgb_jpeg.dcm", "its meta information says JPEG Baseline but the data set is implicit VR: "
                    + "read as found, written in the syntax named",
            "test_files/dicomdirtests/DICOMDIR-bigEnd", "its meta information says big endian but the data set is "
                    + "little endian explicit VR: read as found, written in the syntax named");

    @BeforeAll
    static void corpus() { PydicomCorpus.assumeInstalled(); }

    @TestFactory
    Stream<DynamicTest> rewriteInTheSameSyntaxIsByteIdenticalWhereConventionsMatch() {
        var files = PydicomCorpus.part10Files();
        assertThat(files).hasSizeGreaterThan(100);
        int[] identical = {0};
        return Stream.concat(files.stream().map(f -> DynamicTest.dynamicTest(
                        PydicomCorpus.DATA.relativize(f).toString(),
                        () -> assertTimeoutPreemptively(HANG_GUARD, () -> {
                            if (check(f)) identical[0]++;
                        }))),
                Stream.of(DynamicTest.dynamicTest("most files are byte-identical", () -> {
                    System.out.printf("byte-identical rewrites: %d of %d Part 10 files%n", identical[0], files.size());
                    assertThat(identical[0]).isGreaterThan(files.size() * 3 / 4);
                })));
    }

    /** True when the rewrite is byte-identical. */
    private static boolean check(Path file) throws IOException {
        String name = PydicomCorpus.DATA.relativize(file).toString();
        byte[] original = Files.readAllBytes(file);
        Conventions conv = new Conventions();
        DicomInputStream dis = new DicomInputStream(new ByteArrayInputStream(original)).withListener(conv);
        Attributes ds;
        try {
            ds = dis.readDataset();
        } catch (DicomStreamException e) {
            assertThat(e.getMessage()).as(name).contains("truncated"); // the oracle test covers these
            return false;
        }
        Attributes fmi = dis.readFileMetaInformation();
        ByteArrayOutputStream out = new ByteArrayOutputStream(original.length);
        try (DicomOutputStream dos = new DicomOutputStream(out, dis.getTransferSyntax())) {
            dos.writeDataset(fmi, ds);
        }
        byte[] written = out.toByteArray();
        // what was written always reads back as what was read
        DicomInputStream again = new DicomInputStream(new ByteArrayInputStream(written));
        DatasetAssert.comparing().includeGroupLengths().assertEquals(ds, again.readDataset());

        boolean same = Arrays.equals(original, 128, original.length, written, 128, written.length);
        String why = conv.why != null ? conv.why
                : NOT_IDENTICAL.containsKey(name) ? NOT_IDENTICAL.get(name)
                : !metaGroupLengthRight(original, fmi) ? "its (0002,0000) does not count its meta group"
                : TransferSyntax.of(dis.getTransferSyntax()).deflated() ? "deflate output depends on the compressor"
                : null;
        if (why == null) {
            assertThat(same).as("%s rewritten byte for byte (first difference at %d)", name,
                    Arrays.mismatch(original, written)).isTrue();
        } else {
            assertThat(same).as("%s should differ: %s", name, why).isFalse();
        }
        return same;
    }

    private static boolean metaGroupLengthRight(byte[] original, Attributes fmi) {
        int declared = fmi.getInt(0x00020000, -1);
        int end = 144;
        // walk the explicit VR little endian meta group as written
        while (end + 8 <= original.length && original[end] == 2 && original[end + 1] == 0) {
            VR vr = VR.ofCode((original[end + 4] & 0xFF) << 8 | (original[end + 5] & 0xFF));
            if (vr == null) return false;
            int len = vr.hasLongHeader()
                    ? (original[end + 8] & 0xFF) | (original[end + 9] & 0xFF) << 8 | (original[end + 10] & 0xFF) << 16
                    | (original[end + 11] & 0xFF) << 24
                    : (original[end + 6] & 0xFF) | (original[end + 7] & 0xFF) << 8;
            end += (vr.hasLongHeader() ? 12 : 8) + len;
        }
        return declared == end - 144;
    }

    /** Notes the first encoding choice of the file that the writer does not make the same way. */
    private static final class Conventions implements ElementListener {
        String why;
        private final boolean[] inFragments = new boolean[64];
        private int lastTag;
        private int lastDepth = -1;

        @Override
        public void header(int depth, int tag, VR vr, long length, long position) {
            if (why != null) return;
            if (tag == TagUtils.ITEM) {
                lastDepth = -1; // a new item starts a new tag order
                if (length != UNDEFINED && !inFragments[depth]) why = "a defined-length item at offset " + position;
            } else if (TagUtils.group(tag) != 0xFFFE) {
                if (vr == VR.SQ && length != UNDEFINED) why = "a defined-length sequence " + TagUtils.toString(tag);
                if (depth == lastDepth && Integer.compareUnsigned(tag, lastTag) <= 0)
                    why = "elements out of order or repeated at " + TagUtils.toString(tag);
                inFragments[depth + 1] = length == UNDEFINED && vr != VR.SQ
                        && (vr == VR.OB || vr == VR.OW || tag == 0x7FE00010);
                lastTag = tag;
                lastDepth = depth;
            }
        }
    }
}
