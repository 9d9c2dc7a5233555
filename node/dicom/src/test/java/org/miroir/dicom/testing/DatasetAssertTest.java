package org.miroir.dicom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.BulkData;
import org.miroir.dicom.data.Fragments;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.testing.DatasetAssert.Tolerance;

class DatasetAssertTest {
    private static final int PRIVATE_TAG = 0x00091010;

    private static Attributes sample() {
        Attributes a = new Attributes();
        a.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100");
        a.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4");
        a.setString(Tag.PatientName, VR.PN, "MÜLLER^JÜRGEN");
        a.setInt(Tag.Rows, VR.US, 2);
        Sequence seq = a.newSequence(Tag.ReferencedSeriesSequence, 2);
        seq.addNewItem().setString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3.5");
        seq.addNewItem().setString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3.6");
        a.setBytes(Tag.PixelData, VR.OW, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        return a;
    }

    @Test
    void equalDataSetsHaveNoDifference() {
        DatasetAssert.assertDatasetsEqual(sample(), new Attributes(sample()));
        assertThat(DatasetAssert.comparing().differences(sample(), sample())).isEmpty();
    }

    @Test
    void changedValueIsReportedWithTagVrAndBothValues() {
        Attributes actual = sample();
        actual.setString(Tag.PatientName, VR.PN, "MÜLLER^JURGEN");
        assertThatThrownBy(() -> DatasetAssert.assertDatasetsEqual(sample(), actual))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 place(s)")
                .hasMessageContaining("(0010,0010) PN")
                .hasMessageContaining("expected \"MÜLLER^JÜRGEN \" (14 bytes)")
                .hasMessageContaining("but was  \"MÜLLER^JURGEN \" (14 bytes)");
    }

    @Test
    void missingAndUnexpectedElementsAreReported() {
        Attributes actual = sample();
        actual.remove(Tag.Rows);
        actual.setString(Tag.PatientID, VR.LO, "ID1");
        assertThat(DatasetAssert.comparing().differences(sample(), actual))
                .hasSize(2)
                .anySatisfy(d -> assertThat(d).startsWith("(0010,0020) LO: unexpected"))
                .anySatisfy(d -> assertThat(d).startsWith("(0028,0010) US: missing"));
    }

    @Test
    void differenceInsideASequenceItemNamesThePath() {
        Attributes actual = sample();
        actual.getSequence(Tag.ReferencedSeriesSequence).get(1).setString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3.7");
        assertThat(DatasetAssert.comparing().differences(sample(), actual))
                .singleElement().asString().startsWith("(0008,1115)[1] > (0008,1155) UI: ");
    }

    @Test
    void itemCountDifferenceIsReported() {
        Attributes actual = sample();
        actual.getSequence(Tag.ReferencedSeriesSequence).remove(1);
        assertThat(DatasetAssert.comparing().differences(sample(), actual))
                .singleElement().asString().contains("expected 2 item(s) but was 1");
    }

    @Test
    void fragmentsAreComparedOneByOne() {
        Attributes expected = new Attributes(), actual = new Attributes();
        for (Attributes a : new Attributes[] {expected, actual}) {
            Fragments f = a.newFragments(Tag.PixelData, VR.OB, 3);
            f.add(new byte[0]);
            f.add(new byte[] {1, 2, 3, 4});
            f.add(new byte[] {5, 6});
        }
        DatasetAssert.assertDatasetsEqual(expected, actual);
        actual.getFragments(Tag.PixelData).set(2, new byte[] {5, 7});
        assertThat(DatasetAssert.comparing().differences(expected, actual))
                .singleElement().asString().contains("fragment 2: bytes differ from offset 1");
    }

    @Test
    void binaryDifferenceGivesTheOffset() {
        Attributes actual = sample();
        actual.setBytes(Tag.PixelData, VR.OW, new byte[] {1, 2, 3, 4, 5, 6, 8, 7});
        assertThat(DatasetAssert.comparing().differences(sample(), actual))
                .singleElement().asString().contains("bytes differ from offset 6").contains("[01 02 03 04 05 06 08 07]");
    }

    @Test
    void unknownVrIsADifferenceUnlessTolerated() {
        Attributes expected = sample(), actual = sample();
        expected.setString(PRIVATE_TAG, VR.LO, "VENDOR");
        actual.setBytes(PRIVATE_TAG, VR.UN, expected.getBytes(PRIVATE_TAG));
        assertThat(DatasetAssert.comparing().differences(expected, actual))
                .singleElement().asString().contains("VR differs: expected LO but was UN");
        DatasetAssert.comparing().tolerate(Tolerance.UN_FOR_EXPLICIT_VR, "implicit VR transfer").assertEquals(expected, actual);
    }

    @Test
    void toleratedUnStillComparesTheBytes() {
        Attributes expected = sample(), actual = sample();
        expected.setString(PRIVATE_TAG, VR.LO, "VENDOR");
        actual.setString(PRIVATE_TAG, VR.LO, "VENDOX");
        actual.setBytes(PRIVATE_TAG, VR.UN, actual.getBytes(PRIVATE_TAG));
        assertThatThrownBy(() -> DatasetAssert.comparing().tolerate(Tolerance.UN_FOR_EXPLICIT_VR, "implicit VR")
                .assertEquals(expected, actual))
                .hasMessageContaining("bytes differ from offset 5")
                .hasMessageContaining("tolerating UN_FOR_EXPLICIT_VR: implicit VR");
    }

    @Test
    void toleranceNeedsAReason() {
        assertThatThrownBy(() -> DatasetAssert.comparing().tolerate(Tolerance.TRAILING_PADDING, " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void obVersusOwNeedsTheAmbiguousVrTolerance() {
        Attributes actual = sample();
        actual.setBytes(Tag.PixelData, VR.OB, sample().getBytes(Tag.PixelData));
        assertThat(DatasetAssert.comparing().differences(sample(), actual)).hasSize(1);
        DatasetAssert.comparing().tolerate(Tolerance.AMBIGUOUS_VR, "implicit VR pixel data").assertEquals(sample(), actual);
        // An unrelated pair of VRs is never ambiguous.
        actual.setBytes(Tag.PixelData, VR.UL, sample().getBytes(Tag.PixelData));
        assertThat(DatasetAssert.comparing().tolerate(Tolerance.AMBIGUOUS_VR, "implicit VR pixel data")
                .differences(sample(), actual)).hasSize(1);
    }

    @Test
    void paddingDifferencesFailUnlessTolerated() {
        Attributes expected = sample(), actual = sample();
        expected.setBytes(Tag.SOPInstanceUID, VR.UI, "1.2.3.45\0".getBytes());
        actual.setBytes(Tag.SOPInstanceUID, VR.UI, "1.2.3.45 ".getBytes());
        assertThatThrownBy(() -> DatasetAssert.assertDatasetsEqual(expected, actual))
                .hasMessageContaining("\"1.2.3.45\\0\"")
                .hasMessageContaining("\"1.2.3.45 \"");
        DatasetAssert.comparing().tolerate(Tolerance.TRAILING_PADDING, "peer pads UI with space").assertEquals(expected, actual);
        // Only trailing padding: an inner difference still fails.
        actual.setBytes(Tag.SOPInstanceUID, VR.UI, "1.2.3.46 ".getBytes());
        assertThat(DatasetAssert.comparing().tolerate(Tolerance.TRAILING_PADDING, "peer pads UI with space")
                .differences(expected, actual)).hasSize(1);
    }

    @Test
    void groupLengthsAndFileMetaAreSkippedUnlessIncluded() {
        Attributes expected = sample(), actual = sample();
        actual.setInt(0x00080000, VR.UL, 1234);
        actual.setString(Tag.TransferSyntaxUID, VR.UI, "1.2.840.10008.1.2");
        DatasetAssert.assertDatasetsEqual(expected, actual);
        assertThat(DatasetAssert.comparing().includeGroupLengths().differences(expected, actual))
                .singleElement().asString().startsWith("(0008,0000) UL: unexpected");
        assertThat(DatasetAssert.comparing().includeFileMeta().differences(expected, actual))
                .singleElement().asString().startsWith("(0002,0010) UI: unexpected");
    }

    @Test
    void bulkDataIsReadFromItsFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bulk.raw");
        Files.write(file, new byte[] {9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        Attributes actual = sample();
        actual.setValue(Tag.PixelData, VR.OW, new BulkData(file.toUri().toString(), 2, 8, false));
        DatasetAssert.assertDatasetsEqual(sample(), actual);

        actual.setValue(Tag.PixelData, VR.OW, new BulkData(file.toString(), 1, 8, false));
        assertThat(DatasetAssert.comparing().differences(sample(), actual))
                .singleElement().asString().contains("bytes differ from offset 0");
    }

    @Test
    void bigEndianBulkDataIsSwappedByTheVrWordSize(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bulk-be.raw");
        Files.write(file, new byte[] {2, 1, 4, 3, 6, 5, 8, 7});
        Attributes actual = sample();
        actual.setValue(Tag.PixelData, VR.OW, new BulkData(file.toString(), 0, 8, true));
        DatasetAssert.assertDatasetsEqual(sample(), actual);
    }

    @Test
    void longDiffListsAreCut() {
        Attributes expected = new Attributes(), actual = new Attributes();
        for (int k = 1; k <= 5; k++) expected.setString(0x00090010 + k, VR.LO, "V" + k);
        assertThatThrownBy(() -> DatasetAssert.comparing().maxDifferences(2).assertEquals(expected, actual))
                .hasMessageContaining("5 place(s)")
                .hasMessageContaining("... and 3 more");
    }
}
