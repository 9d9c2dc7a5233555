package org.miroir.dicom.testing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.FileMetaInformation;

/**
 * Generates valid DICOM image instances (CT Image Storage, MR Image Storage) for tests and benchmarks:
 * patients, studies, series and instances with real UIDs (2.25 + UUID, PS3.5 B.2), names, dates, accession
 * numbers, and 16-bit monochrome pixels in a deterministic pattern.
 *
 * <p>Building a {@code SyntheticStudies} fixes the hierarchy and every identifying value (the generator's own
 * list: {@link #patients()}, {@link #studies()}, {@link #series()}, {@link #instances()}), which query tests
 * compare against what an archive returns. Data sets are built on demand by {@link #dataset(Instance)}, so a
 * thousand 512 KiB instances never sit in the heap together. The same seed gives the same UIDs, values and pixels.
 *
 * <pre>{@code
 * SyntheticStudies gen = SyntheticStudies.builder().patients(3).studiesPerPatient(2).seriesPerStudy(2)
 *         .instancesPerSeries(5).rows(64).columns(64).modalities("CT", "MR").build();
 * for (SyntheticStudies.Instance i : gen.instances()) send(gen.dataset(i));
 * }</pre>
 */
public final class SyntheticStudies {
    public record Patient(String patientId, String patientName, String birthDate, String sex) {}

    public record Study(Patient patient, String studyInstanceUid, String studyDate, String studyTime,
                        String accessionNumber, String studyId, String description, String referringPhysician) {}

    public record Series(Study study, String seriesInstanceUid, String modality, int seriesNumber,
                         String description, String bodyPart, String frameOfReferenceUid) {}

    public record Instance(Series series, String sopClassUid, String sopInstanceUid, int instanceNumber) {
        public Study study() { return series.study(); }
        public Patient patient() { return series.study().patient(); }
    }

    private static final String[] FAMILY = {"DOE", "MÜLLER", "GARCÍA", "ØSTERGAARD", "SMITH", "DUPONT", "ROSSI",
            "NOVAK", "O'BRIEN", "VAN DER BERG", "LEFÈVRE", "NGUYEN"};
    private static final String[] GIVEN = {"JANE", "JOHN", "JÜRGEN", "ÉLODIE", "MARIA", "PIOTR", "ÅSE", "LUCA",
            "AMIR", "CHLOÉ", "SEAN", "ANNA"};
    private static final String[][] CT_PROTOCOLS = {{"CT CHEST W/O CONTRAST", "CHEST"}, {"CT HEAD", "HEAD"},
            {"CT ABDOMEN PELVIS", "ABDOMEN"}, {"CT SPINE", "SPINE"}};
    private static final String[][] MR_PROTOCOLS = {{"MR BRAIN", "BRAIN"}, {"MR KNEE", "KNEE"},
            {"MR LUMBAR SPINE", "LSPINE"}};
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;

    private final long seed;
    private final int rows, columns;
    private final String specificCharacterSet;
    private final List<Patient> patients = new ArrayList<>();
    private final List<Study> studies = new ArrayList<>();
    private final List<Series> series = new ArrayList<>();
    private final List<Instance> instances = new ArrayList<>();

    private SyntheticStudies(Builder b) {
        this.seed = b.seed;
        this.rows = b.rows;
        this.columns = b.columns;
        this.specificCharacterSet = b.specificCharacterSet;
        Random rnd = new Random(b.seed);
        // A token per generated set keeps IDs of different sets apart in one archive and makes them easy to query.
        String token = Long.toString(Math.abs(b.seed % 1_679_616L), 36).toUpperCase(Locale.ROOT);
        int studyCount = 0, seriesCount = 0;
        for (int p = 0; p < b.patients; p++) {
            Patient patient = new Patient(String.format("MIR-%s-%04d", token, p + 1),
                    FAMILY[rnd.nextInt(FAMILY.length)] + "^" + GIVEN[rnd.nextInt(GIVEN.length)],
                    LocalDate.of(1930, 1, 1).plusDays(rnd.nextInt(90 * 365)).format(DA),
                    new String[] {"F", "M", "O"}[rnd.nextInt(3)]);
            patients.add(patient);
            for (int s = 0; s < b.studiesPerPatient; s++) {
                studyCount++;
                String modalityOfFirstSeries = b.modalities.get(seriesCount % b.modalities.size());
                String[] protocol = protocols(modalityOfFirstSeries)[rnd.nextInt(protocols(modalityOfFirstSeries).length)];
                Study study = new Study(patient, uid(rnd),
                        LocalDate.of(2015, 1, 1).plusDays(rnd.nextInt(10 * 365)).format(DA),
                        String.format("%02d%02d%02d", 7 + rnd.nextInt(12), rnd.nextInt(60), rnd.nextInt(60)),
                        String.format("A%s%06d", token, studyCount), Integer.toString(studyCount), protocol[0],
                        FAMILY[rnd.nextInt(FAMILY.length)] + "^" + GIVEN[rnd.nextInt(GIVEN.length)]);
                studies.add(study);
                for (int r = 0; r < b.seriesPerStudy; r++) {
                    String modality = b.modalities.get(seriesCount++ % b.modalities.size());
                    String[] seriesProtocol = modality.equals(modalityOfFirstSeries) ? protocol
                            : protocols(modality)[rnd.nextInt(protocols(modality).length)];
                    Series ser = new Series(study, uid(rnd), modality, r + 1,
                            seriesProtocol[0] + " SERIES " + (r + 1), seriesProtocol[1], uid(rnd));
                    series.add(ser);
                    String cuid = modality.equals("CT") ? UID.CTImageStorage : UID.MRImageStorage;
                    for (int i = 0; i < b.instancesPerSeries; i++) {
                        instances.add(new Instance(ser, cuid, uid(rnd), i + 1));
                    }
                }
            }
        }
    }

    private static String[][] protocols(String modality) {
        return modality.equals("CT") ? CT_PROTOCOLS : MR_PROTOCOLS;
    }

    public static Builder builder() { return new Builder(); }

    /** One CT series of {@code count} 512x512 16-bit instances (512 KiB of pixel data each). */
    public static SyntheticStudies ctSeries(int count) {
        return builder().instancesPerSeries(count).build();
    }

    /** A fresh UID under the 2.25 root from a random UUID (PS3.5 B.2). */
    public static String newUid() {
        return uidOf(UUID.randomUUID());
    }

    private static String uid(Random rnd) {
        long msb = (rnd.nextLong() & ~0xF000L) | 0x4000L;              // version 4
        long lsb = (rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return uidOf(new UUID(msb, lsb));
    }

    private static String uidOf(UUID u) {
        byte[] b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
        return "2.25." + new BigInteger(1, b);
    }

    public long seed() { return seed; }

    public List<Patient> patients() { return Collections.unmodifiableList(patients); }

    public List<Study> studies() { return Collections.unmodifiableList(studies); }

    public List<Series> series() { return Collections.unmodifiableList(series); }

    public List<Instance> instances() { return Collections.unmodifiableList(instances); }

    /** Bytes of pixel data per instance. */
    public int pixelDataLength() { return rows * columns * 2; }

    /** The full data set of one instance (a new object each call), pixel data included. */
    public Attributes dataset(Instance inst) {
        Series ser = inst.series();
        Study st = ser.study();
        Patient pt = st.patient();
        boolean ct = ser.modality().equals("CT");
        Attributes a = new Attributes(64);
        // Specific Character Set first: the text setters below encode with it.
        a.setString(Tag.SpecificCharacterSet, VR.CS, specificCharacterSet);
        a.setString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY", "AXIAL");
        a.setString(Tag.SOPClassUID, VR.UI, inst.sopClassUid());
        a.setString(Tag.SOPInstanceUID, VR.UI, inst.sopInstanceUid());
        a.setString(Tag.StudyDate, VR.DA, st.studyDate());
        a.setString(Tag.SeriesDate, VR.DA, st.studyDate());
        a.setString(Tag.ContentDate, VR.DA, st.studyDate());
        a.setString(Tag.StudyTime, VR.TM, st.studyTime());
        a.setString(Tag.SeriesTime, VR.TM, st.studyTime());
        a.setString(Tag.ContentTime, VR.TM, st.studyTime());
        a.setString(Tag.AccessionNumber, VR.SH, st.accessionNumber());
        a.setString(Tag.Modality, VR.CS, ser.modality());
        a.setString(Tag.Manufacturer, VR.LO, "MIROIR SYNTHETIC");
        a.setString(Tag.ReferringPhysicianName, VR.PN, st.referringPhysician());
        a.setString(Tag.StudyDescription, VR.LO, st.description());
        a.setString(Tag.SeriesDescription, VR.LO, ser.description());
        a.setString(Tag.PatientName, VR.PN, pt.patientName());
        a.setString(Tag.PatientID, VR.LO, pt.patientId());
        a.setString(Tag.PatientBirthDate, VR.DA, pt.birthDate());
        a.setString(Tag.PatientSex, VR.CS, pt.sex());
        a.setString(Tag.BodyPartExamined, VR.CS, ser.bodyPart());
        a.setString(Tag.SliceThickness, VR.DS, "2.5");
        if (ct) {
            a.setString(Tag.KVP, VR.DS, "120");
        } else {
            a.setString(Tag.ScanningSequence, VR.CS, "SE");
            a.setString(Tag.SequenceVariant, VR.CS, "NONE");
            a.setString(Tag.ScanOptions, VR.CS, "");
            a.setString(Tag.MRAcquisitionType, VR.CS, "2D");
            a.setString(Tag.RepetitionTime, VR.DS, "500");
            a.setString(Tag.EchoTime, VR.DS, "15");
            a.setString(Tag.MagneticFieldStrength, VR.DS, "1.5");
            a.setString(Tag.EchoTrainLength, VR.IS, "1");
        }
        a.setString(Tag.PatientPosition, VR.CS, "HFS");
        a.setString(Tag.StudyInstanceUID, VR.UI, st.studyInstanceUid());
        a.setString(Tag.SeriesInstanceUID, VR.UI, ser.seriesInstanceUid());
        a.setString(Tag.StudyID, VR.SH, st.studyId());
        a.setInt(Tag.SeriesNumber, VR.IS, ser.seriesNumber());
        a.setInt(Tag.AcquisitionNumber, VR.IS, 1);
        a.setInt(Tag.InstanceNumber, VR.IS, inst.instanceNumber());
        a.setString(Tag.ImagePositionPatient, VR.DS, "-125", "-125", String.format(Locale.ROOT, "%.1f", inst.instanceNumber() * 2.5));
        a.setString(Tag.ImageOrientationPatient, VR.DS, "1", "0", "0", "0", "1", "0");
        a.setString(Tag.FrameOfReferenceUID, VR.UI, ser.frameOfReferenceUid());
        a.setString(Tag.PositionReferenceIndicator, VR.LO, "");
        a.setInt(Tag.SamplesPerPixel, VR.US, 1);
        a.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        a.setInt(Tag.Rows, VR.US, rows);
        a.setInt(Tag.Columns, VR.US, columns);
        a.setString(Tag.PixelSpacing, VR.DS, "0.5", "0.5");
        a.setInt(Tag.BitsAllocated, VR.US, 16);
        a.setInt(Tag.BitsStored, VR.US, 16);
        a.setInt(Tag.HighBit, VR.US, 15);
        a.setInt(Tag.PixelRepresentation, VR.US, 0);
        if (ct) {
            a.setString(Tag.RescaleIntercept, VR.DS, "-1024");
            a.setString(Tag.RescaleSlope, VR.DS, "1");
        }
        a.setBytes(Tag.PixelData, VR.OW, pixels(inst.instanceNumber()));
        return a;
    }

    /** Writes one instance as a Part 10 file in {@code transferSyntaxUid} (any uncompressed transfer syntax). */
    public void write(Instance inst, Path file, String transferSyntaxUid) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
            new DicomOutputStream(out, transferSyntaxUid).writeDataset(
                    FileMetaInformation.create(inst.sopInstanceUid(), inst.sopClassUid(), transferSyntaxUid), dataset(inst));
        }
    }

    /**
     * Writes every instance to {@code dir/<SOP Instance UID>.dcm} (one data set in memory at a time);
     * returns the files in the order of {@link #instances()}.
     */
    public List<Path> writeAll(Path dir, String transferSyntaxUid) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>(instances.size());
        for (Instance inst : instances) {
            Path f = dir.resolve(inst.sopInstanceUid() + ".dcm");
            write(inst, f, transferSyntaxUid);
            files.add(f);
        }
        return files;
    }

    /**
     * Little-endian 16-bit pixels whose two bytes differ and change with position and instance, so a lost byte
     * swap, a shifted frame or a mixed-up instance shows.
     */
    private byte[] pixels(int instanceNumber) {
        byte[] b = new byte[pixelDataLength()];
        int k = 0;
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < columns; x++) {
                int v = (x * 131 + y * 257 + instanceNumber * 4099 + (int) seed) & 0xFFFF;
                b[k++] = (byte) v;
                b[k++] = (byte) (v >>> 8);
            }
        }
        return b;
    }

    public static final class Builder {
        private long seed = new Random().nextLong();
        private int patients = 1, studiesPerPatient = 1, seriesPerStudy = 1, instancesPerSeries = 1;
        private int rows = 512, columns = 512;
        private List<String> modalities = List.of("CT");
        private String specificCharacterSet = "ISO_IR 100";

        private Builder() {}

        /** Fixes UIDs, names, dates and pixels; by default a random seed (see {@link #seed()}). */
        public Builder seed(long seed) { this.seed = seed; return this; }

        public Builder patients(int n) { patients = positive(n); return this; }

        public Builder studiesPerPatient(int n) { studiesPerPatient = positive(n); return this; }

        public Builder seriesPerStudy(int n) { seriesPerStudy = positive(n); return this; }

        public Builder instancesPerSeries(int n) { instancesPerSeries = positive(n); return this; }

        /** Image height in pixels (default 512). */
        public Builder rows(int n) { rows = Math.min(positive(n), 0xFFFF); return this; }

        /** Image width in pixels (default 512). */
        public Builder columns(int n) { columns = Math.min(positive(n), 0xFFFF); return this; }

        /** Modalities the series cycle through: "CT" (default) and/or "MR". */
        public Builder modalities(String... m) {
            for (String s : m) {
                if (!s.equals("CT") && !s.equals("MR")) throw new IllegalArgumentException("CT or MR, not " + s);
            }
            if (m.length == 0) throw new IllegalArgumentException("at least one modality");
            modalities = List.of(m);
            return this;
        }

        /** Specific Character Set of every instance: "ISO_IR 100" (default, Latin-1 names) or "ISO_IR 192" (UTF-8). */
        public Builder specificCharacterSet(String value) {
            if (!value.equals("ISO_IR 100") && !value.equals("ISO_IR 192"))
                throw new IllegalArgumentException("names need ISO_IR 100 or ISO_IR 192, not " + value);
            specificCharacterSet = value;
            return this;
        }

        public SyntheticStudies build() {
            long total = (long) patients * studiesPerPatient * seriesPerStudy * instancesPerSeries;
            if (total > 10_000_000) throw new IllegalArgumentException(total + " instances: too many for one list");
            return new SyntheticStudies(this);
        }

        private static int positive(int n) {
            if (n < 1) throw new IllegalArgumentException("must be at least 1: " + n);
            return n;
        }
    }
}
