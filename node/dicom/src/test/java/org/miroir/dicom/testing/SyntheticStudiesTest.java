package org.miroir.dicom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.DicomInputStream;

class SyntheticStudiesTest {
    private static final int[] TYPE1_IMAGE = {Tag.ImageType, Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.Modality, Tag.StudyInstanceUID, Tag.SeriesInstanceUID,
            Tag.ImagePositionPatient, Tag.ImageOrientationPatient, Tag.FrameOfReferenceUID, Tag.SamplesPerPixel, Tag.PhotometricInterpretation, Tag.Rows, Tag.Columns, Tag.PixelSpacing,
            Tag.BitsAllocated, Tag.BitsStored, Tag.HighBit, Tag.PixelRepresentation, Tag.PixelData};

    private static SyntheticStudies small(long seed) {
        return SyntheticStudies.builder().seed(seed).patients(2).studiesPerPatient(2).seriesPerStudy(2)
                .instancesPerSeries(3).rows(16).columns(8).modalities("CT", "MR").build();
    }

    @Test
    void hierarchyHasTheConfiguredCounts() {
        SyntheticStudies gen = small(1);
        assertThat(gen.patients()).hasSize(2);
        assertThat(gen.studies()).hasSize(4);
        assertThat(gen.series()).hasSize(8);
        assertThat(gen.instances()).hasSize(24);
        for (SyntheticStudies.Patient p : gen.patients()) {
            assertThat(gen.studies()).filteredOn(s -> s.patient().equals(p)).hasSize(2);
        }
        assertThat(gen.instances()).extracting(SyntheticStudies.Instance::series).isSubsetOf(gen.series());
        assertThat(gen.patients()).extracting(SyntheticStudies.Patient::patientId).doesNotHaveDuplicates();
        assertThat(gen.studies()).extracting(SyntheticStudies.Study::accessionNumber).doesNotHaveDuplicates();
        assertThat(gen.series()).extracting(SyntheticStudies.Series::modality).containsOnly("CT", "MR");
    }

    @Test
    void uidsAreUniqueValidAndUnderTheUuidRoot() {
        SyntheticStudies gen = small(2);
        List<String> uids = Stream.of(
                gen.studies().stream().map(SyntheticStudies.Study::studyInstanceUid),
                gen.series().stream().map(SyntheticStudies.Series::seriesInstanceUid),
                gen.series().stream().map(SyntheticStudies.Series::frameOfReferenceUid),
                gen.instances().stream().map(SyntheticStudies.Instance::sopInstanceUid)).flatMap(s -> s).toList();
        assertThat(new HashSet<>(uids)).hasSameSizeAs(uids);
        // PS3.5 9.1: digits and dots, no leading zero in a component, at most 64 characters.
        assertThat(uids).allSatisfy(u -> assertThat(u).matches("2\\.25\\.(0|[1-9][0-9]*)").hasSizeLessThanOrEqualTo(64));
        assertThat(SyntheticStudies.newUid()).startsWith("2.25.").isNotEqualTo(SyntheticStudies.newUid());
    }

    @Test
    void sameSeedGivesTheSameDataAndAnotherSeedDoesNot() {
        SyntheticStudies a = small(42), b = small(42), c = small(43);
        assertThat(a.instances()).isEqualTo(b.instances());
        DatasetAssert.assertDatasetsEqual(a.dataset(a.instances().get(5)), b.dataset(b.instances().get(5)));
        Set<String> uidsA = new HashSet<>(a.instances().stream().map(SyntheticStudies.Instance::sopInstanceUid).toList());
        assertThat(c.instances()).noneMatch(i -> uidsA.contains(i.sopInstanceUid()));
    }

    @Test
    void datasetCarriesTheListedValues() {
        SyntheticStudies gen = small(3);
        for (SyntheticStudies.Instance i : gen.instances()) {
            Attributes ds = gen.dataset(i);
            assertThat(ds.getString(Tag.PatientID)).isEqualTo(i.patient().patientId());
            assertThat(ds.getString(Tag.PatientName)).isEqualTo(i.patient().patientName());
            assertThat(ds.getString(Tag.PatientBirthDate)).isEqualTo(i.patient().birthDate()).matches("\\d{8}");
            assertThat(ds.getString(Tag.StudyInstanceUID)).isEqualTo(i.study().studyInstanceUid());
            assertThat(ds.getString(Tag.StudyDate)).isEqualTo(i.study().studyDate());
            assertThat(ds.getString(Tag.AccessionNumber)).isEqualTo(i.study().accessionNumber());
            assertThat(ds.getString(Tag.SeriesInstanceUID)).isEqualTo(i.series().seriesInstanceUid());
            assertThat(ds.getString(Tag.Modality)).isEqualTo(i.series().modality());
            assertThat(ds.getString(Tag.SOPInstanceUID)).isEqualTo(i.sopInstanceUid());
            assertThat(ds.getString(Tag.SOPClassUID)).isEqualTo(i.sopClassUid()).isEqualTo(
                    i.series().modality().equals("CT") ? UID.CTImageStorage : UID.MRImageStorage);
            assertThat(ds.getInt(Tag.InstanceNumber, -1)).isEqualTo(i.instanceNumber());
            for (int tag : TYPE1_IMAGE) assertThat(ds.containsValue(tag)).as("type 1 %08X", tag).isTrue();
            if (i.series().modality().equals("MR")) {
                assertThat(ds.getString(Tag.ScanningSequence)).isEqualTo("SE");
            } else {
                assertThat(ds.getString(Tag.RescaleIntercept)).isEqualTo("-1024");
            }
        }
    }

    @Test
    void latin1NamesEncodeAsLatin1AndUtf8AsUtf8() {
        SyntheticStudies latin = SyntheticStudies.builder().seed(7).patients(40).rows(2).columns(2).build();
        SyntheticStudies utf8 = SyntheticStudies.builder().seed(7).patients(40).rows(2).columns(2)
                .specificCharacterSet("ISO_IR 192").build();
        // Seed 7 with 40 patients picks names with non-ASCII letters (the name lists are half accented).
        int nonAscii = 0;
        for (int k = 0; k < 40; k++) {
            Attributes l = latin.dataset(latin.instances().get(k)), u = utf8.dataset(utf8.instances().get(k));
            String name = latin.patients().get(k).patientName();
            assertThat(l.getString(Tag.PatientName)).isEqualTo(name);
            assertThat(u.getString(Tag.PatientName)).isEqualTo(name);
            byte[] lb = l.getBytes(Tag.PatientName), ub = u.getBytes(Tag.PatientName);
            assertThat(new String(lb, StandardCharsets.ISO_8859_1).strip()).isEqualTo(name);
            assertThat(new String(ub, StandardCharsets.UTF_8).strip()).isEqualTo(name);
            if (!name.chars().allMatch(ch -> ch < 0x80)) {
                nonAscii++;
                assertThat(lb).isNotEqualTo(ub);
            }
        }
        assertThat(nonAscii).isPositive();
    }

    @Test
    void ctSeriesIs512By512SixteenBitWithADistinctPatternPerInstance() {
        SyntheticStudies gen = SyntheticStudies.ctSeries(2);
        Attributes first = gen.dataset(gen.instances().get(0)), second = gen.dataset(gen.instances().get(1));
        assertThat(first.getInt(Tag.Rows, 0)).isEqualTo(512);
        assertThat(first.getInt(Tag.Columns, 0)).isEqualTo(512);
        assertThat(first.getInt(Tag.BitsAllocated, 0)).isEqualTo(16);
        assertThat(first.getVR(Tag.PixelData)).isEqualTo(VR.OW);
        byte[] p1 = first.getBytes(Tag.PixelData), p2 = second.getBytes(Tag.PixelData);
        assertThat(p1).hasSize(512 * 512 * 2).hasSize(gen.pixelDataLength());
        assertThat(p1).isNotEqualTo(p2);
        // Low and high bytes differ, so a lost byte swap shows.
        assertThat(p1[2]).isNotEqualTo(p1[3]);
        assertThat(DatasetAssert.comparing().differences(first, gen.dataset(gen.instances().get(0)))).isEmpty();
    }
    @ParameterizedTest
    @ValueSource(strings = {UID.ImplicitVRLittleEndian, UID.ExplicitVRLittleEndian,
            UID.ExplicitVRBigEndian, UID.DeflatedExplicitVRLittleEndian})
    void part10FilesReadBackEqualAndDcmtkAcceptsThem(String tsuid, @TempDir Path dir) throws IOException {
        SyntheticStudies gen = SyntheticStudies.builder().seed(11).instancesPerSeries(2).rows(32).columns(16)
                .modalities("MR").build();
        List<Path> files = gen.writeAll(dir, tsuid);
        assertThat(files).hasSize(2);
        for (int k = 0; k < files.size(); k++) {
            try (DicomInputStream in = new DicomInputStream(Files.newInputStream(files.get(k)))) {
                assertThat(in.getTransferSyntax()).isEqualTo(tsuid);
                assertThat(in.readFileMetaInformation().getString(Tag.MediaStorageSOPInstanceUID))
                        .isEqualTo(gen.instances().get(k).sopInstanceUid());
                DatasetAssert.assertDatasetsEqual(gen.dataset(gen.instances().get(k)), in.readDataset());
            }
        }
        if (Peers.present(Dcmtk.isInstalled(), "dcmtk")) {
            String dump = Dcmtk.run("dcmdump", "-q", "+L", files.get(0).toString()).assertOk().stdout();
            assertThat(dump).contains("[" + gen.patients().get(0).patientId() + "]")
                    .contains("(7fe0,0010) OW").doesNotContain("E: ").doesNotContain("W: ");
        }
    }
}
