package org.miroir.dicom.testing;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.VR;

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
    public static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    public static final String MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4";

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
                    String cuid = modality.equals("CT") ? CT_IMAGE_STORAGE : MR_IMAGE_STORAGE;
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
        a.setString(0x00080005, VR.CS, specificCharacterSet);
        a.setString(0x00080008, VR.CS, "ORIGINAL", "PRIMARY", "AXIAL");
        a.setString(0x00080016, VR.UI, inst.sopClassUid());
        a.setString(0x00080018, VR.UI, inst.sopInstanceUid());
        a.setString(0x00080020, VR.DA, st.studyDate());
        a.setString(0x00080021, VR.DA, st.studyDate());
        a.setString(0x00080023, VR.DA, st.studyDate());
        a.setString(0x00080030, VR.TM, st.studyTime());
        a.setString(0x00080031, VR.TM, st.studyTime());
        a.setString(0x00080033, VR.TM, st.studyTime());
        a.setString(0x00080050, VR.SH, st.accessionNumber());
        a.setString(0x00080060, VR.CS, ser.modality());
        a.setString(0x00080070, VR.LO, "MIROIR SYNTHETIC");
        a.setString(0x00080090, VR.PN, st.referringPhysician());
        a.setString(0x00081030, VR.LO, st.description());
        a.setString(0x0008103E, VR.LO, ser.description());
        a.setString(0x00100010, VR.PN, pt.patientName());
        a.setString(0x00100020, VR.LO, pt.patientId());
        a.setString(0x00100030, VR.DA, pt.birthDate());
        a.setString(0x00100040, VR.CS, pt.sex());
        a.setString(0x00180015, VR.CS, ser.bodyPart());
        a.setString(0x00180050, VR.DS, "2.5");
        if (ct) {
            a.setString(0x00180060, VR.DS, "120");
        } else {
            a.setString(0x00180020, VR.CS, "SE");
            a.setString(0x00180021, VR.CS, "NONE");
            a.setString(0x00180022, VR.CS, "");
            a.setString(0x00180023, VR.CS, "2D");
            a.setString(0x00180080, VR.DS, "500");
            a.setString(0x00180081, VR.DS, "15");
            a.setString(0x00180087, VR.DS, "1.5");
            a.setString(0x00180091, VR.IS, "1");
        }
        a.setString(0x00185100, VR.CS, "HFS");
        a.setString(0x0020000D, VR.UI, st.studyInstanceUid());
        a.setString(0x0020000E, VR.UI, ser.seriesInstanceUid());
        a.setString(0x00200010, VR.SH, st.studyId());
        a.setInt(0x00200011, VR.IS, ser.seriesNumber());
        a.setInt(0x00200012, VR.IS, 1);
        a.setInt(0x00200013, VR.IS, inst.instanceNumber());
        a.setString(0x00200032, VR.DS, "-125", "-125", String.format(Locale.ROOT, "%.1f", inst.instanceNumber() * 2.5));
        a.setString(0x00200037, VR.DS, "1", "0", "0", "0", "1", "0");
        a.setString(0x00200052, VR.UI, ser.frameOfReferenceUid());
        a.setString(0x00201040, VR.LO, "");
        a.setInt(0x00280002, VR.US, 1);
        a.setString(0x00280004, VR.CS, "MONOCHROME2");
        a.setInt(0x00280010, VR.US, rows);
        a.setInt(0x00280011, VR.US, columns);
        a.setString(0x00280030, VR.DS, "0.5", "0.5");
        a.setInt(0x00280100, VR.US, 16);
        a.setInt(0x00280101, VR.US, 16);
        a.setInt(0x00280102, VR.US, 15);
        a.setInt(0x00280103, VR.US, 0);
        if (ct) {
            a.setString(0x00281052, VR.DS, "-1024");
            a.setString(0x00281053, VR.DS, "1");
        }
        a.setBytes(0x7FE00010, VR.OW, pixels(inst.instanceNumber()));
        return a;
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
