package org.miroir.dicom.net.interop;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.FileMetaInformation;
import org.miroir.dicom.testing.DatasetAssert;
import org.miroir.dicom.testing.SyntheticStudies;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the dcmtk interop tests of the network layer share: files in and out, and how data sets are compared. */
final class InteropSupport {
    private InteropSupport() {}

    /** The compressed transfer syntaxes of the corpus, accepted as they are (passed through). */
    static final String[] COMPRESSED = {
            UID.JPEGBaseline8Bit, UID.JPEGExtended12Bit, UID.JPEGLossless,
            UID.JPEGLosslessSV1, UID.JPEGLSLossless, UID.JPEGLSNearLossless,
            UID.JPEG2000Lossless, UID.JPEG2000, UID.RLELossless};

    /** The data set of a file (meta information excluded). */
    static Attributes readDataset(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
             DicomInputStream dis = new DicomInputStream(in)) {
            return dis.readDataset();
        }
    }

    static String transferSyntaxOf(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
             DicomInputStream dis = new DicomInputStream(in)) {
            return dis.getTransferSyntax();
        }
    }

    /** Writes {@code count} generated 512x512 16-bit CT instances as explicit VR little endian Part 10 files. */
    static List<Path> writeCtSeries(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        SyntheticStudies gen = SyntheticStudies.ctSeries(count);
        List<Path> files = new ArrayList<>();
        for (SyntheticStudies.Instance i : gen.instances()) {
            Path f = dir.resolve(i.sopInstanceUid() + ".dcm");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f))) {
                new DicomOutputStream(out, UID.ExplicitVRLittleEndian).writeDataset(
                        FileMetaInformation.create(i.sopInstanceUid(), i.sopClassUid(), UID.ExplicitVRLittleEndian),
                        gen.dataset(i));
            }
            files.add(f);
        }
        return files;
    }

    /**
     * The differences between a sent and a received data set that travelled in {@code tsuid}, less what DICOM lets
     * a sender change: Data Set Trailing Padding (FFFC,FFFC) belongs to files and is not sent (dcmtk drops it);
     * dcmtk rewrites text padding; implicit VR loses the VRs a reader does not know, so a private sequence of
     * defined length arrives as UN bytes, which are parsed here as the implicit VR items they are.
     */
    static List<String> differences(Attributes sent, Attributes received, String tsuid) throws IOException {
        Attributes expected = new Attributes(sent);
        expected.remove(Tag.DataSetTrailingPadding);
        Attributes actual = new Attributes(received);
        if (UID.ImplicitVRLittleEndian.equals(tsuid)) parseUnSequences(expected, actual);
        return comparator(tsuid).differences(expected, actual);
    }

    /** Where {@code expected} has a sequence and {@code actual} UN bytes, reads the bytes as implicit VR LE items. */
    private static void parseUnSequences(Attributes expected, Attributes actual) throws IOException {
        for (int i = 0; i < actual.size(); i++) {
            int tag = actual.tagAt(i);
            Object want = expected.getValue(tag);
            if (want instanceof Sequence ws && actual.vrAt(i) == VR.UN && actual.valueAt(i) instanceof byte[] b) {
                // The value is the items of a sequence: give it an undefined-length header and a delimiter.
                ByteBuffer bb = ByteBuffer.allocate(b.length + 16).order(ByteOrder.LITTLE_ENDIAN);
                bb.putShort((short) (tag >>> 16)).putShort((short) tag).putInt(-1).put(b)
                  .putShort((short) 0xFFFE).putShort((short) 0xE0DD).putInt(0);
                try (DicomInputStream dis = new DicomInputStream(new ByteArrayInputStream(bb.array()), UID.ImplicitVRLittleEndian)) {
                    Object parsed = dis.readDataset().getValue(tag);
                    if (parsed instanceof Sequence) actual.setValue(tag, VR.UN, parsed);
                }
            }
            if (want instanceof Sequence ws && actual.valueAt(i) instanceof Sequence as) {
                for (int k = 0; k < Math.min(ws.size(), as.size()); k++) parseUnSequences(ws.get(k), as.get(k));
            }
        }
    }

    /** The comparison for a data set that travelled in {@code tsuid}. */
    static DatasetAssert comparator(String tsuid) {
        DatasetAssert a = DatasetAssert.comparing().maxDifferences(10)
                .tolerate(DatasetAssert.Tolerance.TRAILING_PADDING, "dcmtk rewrites the padding of text values")
                .tolerate(DatasetAssert.Tolerance.AMBIGUOUS_VR, "either VR PS3.6 allows: implicit VR readers pick one, dcmtk"
                        + " writes encapsulated Pixel Data as OB (PS3.5 A.4) whatever the file said");
        if (UID.ImplicitVRLittleEndian.equals(tsuid)) {
            a.tolerate(DatasetAssert.Tolerance.UN_FOR_EXPLICIT_VR, "implicit VR carries no VR: unknown (private) elements read as UN");
        }
        return a;
    }
}
