package org.miroir.server.e2e;

import ca.uhn.hl7v2.Version;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.FileMetaInformation;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.SyntheticStudies;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step 6 "done when" 3, against a node started by {@code ops/miroir run}, once per storage configuration: malformed
 * HL7 (broken segments, bad data types, missing MSH fields, unsupported versions, processing IDs and types) gets the
 * right negative acknowledgement with an ERR segment; 10 MiB of garbage, outside a frame or inside one, and a client
 * that never sends the end block get a bounded answer or close. Every bad message tries to change a registered
 * patient, its stored study and its worklist item; after each, they are checked unchanged, and the listener still
 * serves. Limits: 1 MiB per message (the default), 2 s from start block to end block.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@ParameterizedClass(name = "storage {0}")
@ValueSource(strings = {StorageBackends.EMBEDDED, StorageBackends.CASSANDRA_RADOS})
class Hl7BadInputTest {
    private static final Duration ANSWER = Duration.ofSeconds(30);
    private static final String PID = Er7.seg("PID", "1", "", "P9001^^^HOSP", "", "Base^Line", "", "19600101", "F");
    @TempDir
    static Path root;
    static Path tmp;
    @Parameter
    String storage;
    static ArchiveNode node;
    static int control;

    @BeforeParameterizedClassInvocation
    static void start(String storage) throws Exception {
        Dcmtk.assumeInstalled();
        tmp = Files.createDirectories(root.resolve(storage));
        node = ArchiveNode.start(tmp.resolve("data"), new JsonObject()
                .put("storage", StorageBackends.config(storage, "hl7bad"))
                .put("hl7", new JsonObject().put("frameTimeoutMillis", 2000)));
        storeStudy();
        try (Mllp c = Mllp.connect(node.hl7Port)) {
            assertAck(c.exchange(msh("ADT^A04", "2.5") + Er7.seg("EVN", "A04") + PID, ANSWER), "AA", "");
            assertAck(c.exchange(order("NW", "20250401", "CT1"), ANSWER), "AA", "");
        }
        assertNothingChanged();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (node != null) node.close();
        node = null;
    }

    private static String msh(String type, String version) {
        return Er7.msh(type, "BAD" + (++control), version, null);
    }

    /** An ORM^O01 about the baseline order PO-B (start date and station as given). */
    private static String order(String control, String startDate, String station) {
        String[] obr = new String[24];
        Arrays.fill(obr, "");
        obr[0] = "1";
        obr[1] = "PO-B^RIS";
        obr[3] = "CTHEAD^CT Head^LOCAL";
        obr[17] = "B1";
        obr[23] = "CT";
        String[] orc = new String[18];
        Arrays.fill(orc, "");
        orc[0] = control;
        orc[1] = "PO-B^RIS";
        orc[6] = "^^^" + startDate + "0800";
        orc[17] = station;
        return msh("ORM^O01", "2.3.1") + PID + Er7.seg("PV1", "1", "O") + Er7.seg("ORC", orc) + Er7.seg("OBR", obr);
    }

    /** An A08 renaming the baseline patient, with {@code extra} segments after PID. */
    private static String rename(String version, String pidFields, String extra) {
        return msh("ADT^A08", version) + Er7.seg("EVN", "A08") + pidFields + extra;
    }

    private static void assertAck(String ack, String code, String errorCode) {
        assertThat(Er7.field(ack, "MSA-1")).as(ack.replace('\r', '\n')).isEqualTo(code);
        if (errorCode.isEmpty()) return;
        // Before v2.5 the code is in ERR-1, from v2.5 on (and for versions Miroir does not know) in ERR-3.
        Version v = Version.versionOf(Er7.field(ack, "MSH-12"));
        String err = v != null && Version.V25.isGreaterThan(v) ? Er7.field(ack, "ERR-1-4-1") : Er7.field(ack, "ERR-3-1");
        assertThat(err).as(ack.replace('\r', '\n')).isEqualTo(errorCode);
    }

    /** The registry, the study and the worklist as the setup left them. */
    private static void assertNothingChanged() throws IOException {
        List<Attributes> studies = Scu.find(node.dicomPort, Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                "PatientID=P9001", "PatientName");
        assertThat(studies).hasSize(1);
        assertThat(studies.get(0).getString(Tag.PatientName)).isEqualTo("Base^Line");
        List<Attributes> items = Scu.find(node.dicomPort, "-W", tmp, "PatientID=P9001", "PatientName",
                "AccessionNumber", "ScheduledProcedureStepSequence[0].ScheduledStationAETitle",
                "ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate");
        assertThat(items).hasSize(1);
        Attributes step = items.get(0).getSequence(Tag.ScheduledProcedureStepSequence).get(0);
        assertThat(items.get(0).getString(Tag.PatientName)).isEqualTo("Base^Line");
        assertThat(step.getString(Tag.ScheduledStationAETitle)).isEqualTo("CT1");
        assertThat(step.getString(Tag.ScheduledProcedureStepStartDate)).isEqualTo("20250401");
    }

    /** The listener still answers, on a new connection. */
    private static void assertServing() throws IOException {
        try (Mllp c = Mllp.connect(node.hl7Port)) {
            assertAck(c.exchange(msh("ADT^A02", "2.5") + Er7.seg("EVN", "A02") + PID, ANSWER), "AA", "");
        }
    }

    @Test
    void malformedContentGetsAnErrorAndChangesNothing() throws IOException {
        String renamed = Er7.seg("PID", "1", "", "P9001^^^HOSP", "", "Changed^Name", "", "19600101", "F");
        try (Mllp c = Mllp.connect(node.hl7Port)) {
            // A Set ID that is no number, a birth date that is no date: HAPI's data type checks.
            assertAck(c.exchange(rename("2.5", renamed.replace("PID|1|", "PID|one|"), ""), ANSWER), "AE", "102");
            assertAck(c.exchange(rename("2.3.1", renamed.replace("19600101", "1960-01-01"), ""), ANSWER), "AE", "102");
            // A segment without fields after the patient's: the whole message is refused.
            assertAck(c.exchange(rename("2.5", renamed, "BLAH\r"), ANSWER), "AE", "100");
            // No patient identifier.
            assertAck(c.exchange(rename("2.5", renamed.replace("P9001^^^HOSP", ""), ""), ANSWER), "AE", "101");
            // An order moving the step, with a start that is no time stamp, or an accession number too long.
            assertAck(c.exchange(order("XO", "2025-04-02", "CT2"), ANSWER), "AE", "102");
            assertAck(c.exchange(order("XO", "20250402", "CT2").replace("|B1|", "|B1-MUCH-TOO-LONG-FOR-SH|"),
                    ANSWER), "AE", "102");
            // An order control code HL7 does not have.
            assertAck(c.exchange(order("ZZ", "20250402", "CT2"), ANSWER), "AE", "103");
            // An A40 merging the patient into itself.
            assertAck(c.exchange(msh("ADT^A40^ADT_A39", "2.5") + Er7.seg("EVN", "A40") + PID
                    + Er7.seg("MRG", "P9001^^^HOSP"), ANSWER), "AE", "102");
        }
        assertNothingChanged();
        assertServing();
    }

    @Test
    void badHeadersAreRejected() throws IOException {
        String pid = Er7.seg("PID", "1", "", "P9001^^^HOSP", "", "Changed^Name");
        try (Mllp c = Mllp.connect(node.hl7Port)) {
            String base = rename("2.5", pid, "");
            assertAck(c.exchange(base.replace("|2.5\r", "|2.6\r"), ANSWER), "AR", "203");
            assertAck(c.exchange(base.replace("|2.5\r", "|2.2\r"), ANSWER), "AR", "203");
            assertAck(c.exchange(base.replace("|2.5\r", "|\r"), ANSWER), "AR", "203");
            assertAck(c.exchange(base.replace("|P|2.5\r", "|X|2.5\r"), ANSWER), "AR", "202");
            String noControlId = base.replaceFirst("\\|BAD\\d+\\|", "||");
            String ack = c.exchange(noControlId, ANSWER);
            assertAck(ack, "AE", "101");
            assertThat(Er7.field(ack, "MSA-2")).isEmpty();
            assertAck(c.exchange(base.replace("|ADT^A08|", "||"), ANSWER), "AE", "101");
            assertAck(c.exchange(base.replace("|ADT^A08|", "|ORU^R01|"), ANSWER), "AR", "200");
            assertAck(c.exchange(base.replace("|ADT^A08|", "|ORM^O02|"), ANSWER), "AR", "201");
            // A header cut after its encoding characters has no version: rejected, still acknowledged.
            assertAck(c.exchange("MSH|^~\\&\r" + pid, ANSWER), "AR", "203");
        }
        assertNothingChanged();
        assertServing();
    }

    @Test
    void tenMebibytesOfGarbageCloseTheConnection() throws IOException {
        byte[] garbage = new byte[10 << 20];
        new Random(10).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) if (garbage[i] == 0x0B) garbage[i] = 0x0A; // never a start block
        double closed = node.metric("miroir_hl7_connections_closed_total");
        try (Mllp c = Mllp.connect(node.hl7Port)) {
            sendUntilClosed(c, garbage);
            assertThat(c.closedWithin(ANSWER)).as("closed after bytes outside frames").isTrue();
        }
        assertThat(node.metric("miroir_hl7_connections_closed_total")).isEqualTo(closed + 1);
        assertNothingChanged();
        assertServing();
    }

    @Test
    void tenMebibytesInOneFrameGetARejectionOrAClose() throws IOException {
        byte[] garbage = new byte[10 << 20];
        new Random(11).nextBytes(garbage);
        // No frame delimiters inside, and no "MSH" by chance.
        for (int i = 0; i < garbage.length; i++)
            if (garbage[i] == 0x0B || garbage[i] == 0x1C || garbage[i] == 'M') garbage[i] = 0x20;
        // With a header: the message is refused (AR) without being kept, and the connection goes on.
        try (Mllp c = Mllp.connect(node.hl7Port)) {
            c.sendRaw(frame(rename("2.5", Er7.seg("PID", "1", "", "P9001^^^HOSP", "", "Huge^Name"), "NTE|1||")
                    .getBytes(StandardCharsets.ISO_8859_1), garbage));
            String ack = c.readAck(ANSWER, StandardCharsets.ISO_8859_1);
            assertAck(ack, "AR", "207");
            assertThat(Er7.field(ack, "ERR-3-9")).contains("exceeds the limit");
            assertAck(c.exchange(msh("ADT^A02", "2.5") + Er7.seg("EVN", "A02") + PID, ANSWER), "AA", "");
        }
        // Without one there is nobody to answer: the connection is closed.
        try (Mllp c = Mllp.connect(node.hl7Port)) {
            sendUntilClosed(c, frame(garbage));
            assertThat(c.closedWithin(ANSWER)).isTrue();
        }
        assertNothingChanged();
        assertServing();
    }

    @Test
    void aClientThatNeverEndsItsMessageIsClosed() throws IOException {
        try (Mllp c = Mllp.connect(node.hl7Port)) {
            c.sendRaw(("\u000b" + rename("2.5", Er7.seg("PID", "1", "", "P9001^^^HOSP", "", "Never^Ends"), ""))
                    .getBytes(StandardCharsets.ISO_8859_1));
            // The node's frame timeout is 2 s; the wait only bounds the test.
            assertThat(c.closedWithin(ANSWER)).as("closed while the message never ends").isTrue();
        }
        assertNothingChanged();
        assertServing();
    }

    /** One MLLP frame holding {@code parts}. */
    private static byte[] frame(byte[]... parts) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x0B);
        for (byte[] p : parts) frame.writeBytes(p);
        frame.writeBytes(new byte[] {0x1C, 0x0D});
        return frame.toByteArray();
    }

    /** Writes {@code bytes}, stopping quietly when the node has closed the connection meanwhile. */
    private static void sendUntilClosed(Mllp c, byte[] bytes) {
        try {
            for (int i = 0; i < bytes.length; i += 64 * 1024)
                c.sendRaw(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 64 * 1024)));
        } catch (IOException closedMeanwhile) {
            // the node stopped reading: what the test checks next
        }
    }

    /** The baseline patient's study, stored before any HL7. */
    private static void storeStudy() throws IOException {
        SyntheticStudies gen = SyntheticStudies.builder().seed(9001).patients(1).seriesPerStudy(1)
                .instancesPerSeries(1).rows(8).columns(8).modalities("CT").build();
        SyntheticStudies.Instance inst = gen.instances().get(0);
        Attributes ds = gen.dataset(inst);
        ds.setString(Tag.PatientID, VR.LO, "P9001");
        ds.setString(Tag.IssuerOfPatientID, VR.LO, "HOSP");
        ds.setString(Tag.PatientName, VR.PN, "Base^Line");
        Path file = Files.createDirectories(tmp.resolve("study")).resolve("base.dcm");
        try (OutputStream out = Files.newOutputStream(file)) {
            new DicomOutputStream(out, UID.ExplicitVRLittleEndian).writeDataset(FileMetaInformation.create(
                    inst.sopInstanceUid(), inst.sopClassUid(), UID.ExplicitVRLittleEndian), ds);
        }
        Map<Path, String> r = Scu.store(node.dicomPort, List.of(file));
        assertThat(r.get(file)).isEqualTo("Success");
    }
}
