package org.miroir.monitoring;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.parser.GenericModelClassFactory;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.Processes;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.drill.Site;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything a site serves, once, on its first node and balancer: C-STORE, C-FIND, C-GET, a C-MOVE to an unknown
 * destination (a failure), an association with an unknown called AE title (rejected), QIDO-RS, WADO-RS, WADO-URI, an
 * unknown study (404), HL7 messages answered AA, AE (an update without patient ID, a merge of a patient into itself)
 * and AR (an unknown event), admin calls good and bad. Returns what identifies patients and instances in it, which no
 * metric label may carry.
 */
final class VariedWorkload {
    /** The UIDs, patient IDs, names and birth dates the workload used. */
    record Identifiers(Set<String> uids, Set<String> patientValues) {}

    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(2);
    private static final String HL7_PATIENT = "HL7MON-4711", HL7_NAME = "Quillfeather^Hermione",
            HL7_NOBODY = "Nobody^Known";

    private VariedWorkload() {}

    static Identifiers run(Site site, Path dir) throws Exception {
        SyntheticStudies gen = SyntheticStudies.builder().seed(4711).patients(3).seriesPerStudy(2)
                .instancesPerSeries(3).rows(16).columns(16).build();
        List<Path> files = gen.writeAll(Files.createDirectories(dir.resolve("sent")), UID.ExplicitVRLittleEndian);
        Set<String> uids = new LinkedHashSet<>(), patient = new LinkedHashSet<>(List.of(HL7_PATIENT, HL7_NAME,
                HL7_NOBODY));
        for (SyntheticStudies.Instance i : gen.instances())
            uids.addAll(List.of(i.sopInstanceUid(), i.series().seriesInstanceUid(), i.study().studyInstanceUid()));
        for (SyntheticStudies.Patient p : gen.patients())
            patient.addAll(List.of(p.patientId(), p.patientName(), p.birthDate()));
        String study = gen.studies().get(0).studyInstanceUid();
        SyntheticStudies.Instance first = gen.instances().get(0);
        String port = String.valueOf(site.balancerDicomPort());

        List<String> store = new ArrayList<>(List.of("-aec", "MIROIR", "127.0.0.1", port));
        files.forEach(f -> store.add(f.toString()));
        assertOk(Dcmtk.run(TOOL_TIMEOUT, "storescu", store));
        for (SyntheticStudies.Patient p : gen.patients())
            assertOk(Dcmtk.run(TOOL_TIMEOUT, "findscu", "-S", "-aec", "MIROIR", "-k", "QueryRetrieveLevel=STUDY",
                    "-k", "PatientID=" + p.patientId(), "-k", "StudyInstanceUID", "127.0.0.1", port));
        assertOk(Dcmtk.run(TOOL_TIMEOUT, "getscu", "-S", "-aec", "MIROIR", "-od",
                Files.createDirectories(dir.resolve("got")).toString(), "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=" + study, "127.0.0.1", port));
        // Answered with 0xA801 (move destination unknown): a DIMSE failure.
        Dcmtk.run(TOOL_TIMEOUT, "movescu", "-S", "-aec", "MIROIR", "-aem", "NOWHERE", "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=" + study, "127.0.0.1", port);
        assertThat(Dcmtk.run(TOOL_TIMEOUT, "echoscu", "-aec", "NOBODY", "127.0.0.1", port).ok()).isFalse();

        int http = site.httpPort(1);
        String wado = "/wado?requestType=WADO&contentType=application/dicom&studyUID=" + study + "&seriesUID="
                + first.series().seriesInstanceUid() + "&objectUID=" + first.sopInstanceUid();
        for (String[] get : new String[][] {{"/dicom-web/studies?PatientID=" + gen.patients().get(1).patientId(), "200"},
                {"/dicom-web/studies/" + study + "/series", "200"}, {"/dicom-web/studies/" + study, "200"},
                {"/dicom-web/studies/" + study + "/metadata", "200"}, {wado, "200"},
                {"/dicom-web/studies/1.2.3.404", "404"}})
            assertThat(site.get(http, get[0]).statusCode()).as(get[0]).isEqualTo(Integer.parseInt(get[1]));

        sendHl7(site.balancerHl7Port());

        assertThat(site.request("PUT", http, "/admin/ae/WORKSTATION1", "{\"host\": \"127.0.0.1\", \"port\": 104}")
                .statusCode()).isEqualTo(200);
        assertThat(site.request("DELETE", http, "/admin/ae/WORKSTATION1", null).statusCode()).isEqualTo(200);
        assertThat(site.request("PUT", http, "/admin/ae/WORKSTATION1", "{\"host\": \"127.0.0.1\", \"port\": 0}")
                .statusCode()).isEqualTo(400);
        for (String get : List.of("/admin/ae", "/admin/settings", "/admin/cluster", "/admin/dr"))
            assertThat(site.get(http, get).statusCode()).as(get).isEqualTo(200);
        return new Identifiers(uids, patient);
    }

    private static void assertOk(Processes.Result r) {
        assertThat(r.ok()).as(r.describe()).isTrue();
    }

    /** An admission (AA), an update without patient ID (AE), a merge into itself (AE), an unknown event (AR). */
    private static void sendHl7(int port) throws Exception {
        String pid = "PID|1||" + HL7_PATIENT + "^^^HOSP^MR||" + HL7_NAME + "||19800101|F\r";
        String[][] exchanges = {
                {msh("ADT^A01", "M1") + "EVN|A01|20250310070000\r" + pid + "PV1|1|O\r", "AA"},
                {msh("ADT^A08", "M2") + "EVN|A08|20250310070000\rPID|1||||" + HL7_NOBODY + "\rPV1|1|O\r", "AE"},
                {msh("ADT^A40^ADT_A39", "M3") + "EVN|A40|20250310070000\r" + pid + "MRG|" + HL7_PATIENT
                        + "^^^HOSP^MR\r", "AE"},
                {msh("ADT^Z99", "M4") + "EVN|Z99|20250310070000\r" + pid, "AR"}};
        try (HapiContext hapi = new DefaultHapiContext(new GenericModelClassFactory())) {
            hapi.setValidationContext(ValidationContextFactory.noValidation());
            hapi.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator()); // else an id_file is written
            hapi.setLowerLayerProtocol(new MinLowerLayerProtocol(true));
            Connection hl7 = hapi.newClient("127.0.0.1", port, false);
            try {
                hl7.getInitiator().setTimeout(60, TimeUnit.SECONDS);
                for (String[] e : exchanges) {
                    String ack = hapi.getPipeParser().encode(
                            hl7.getInitiator().sendAndReceive(hapi.getPipeParser().parse(e[0])));
                    assertThat(ack).as(e[0]).contains("MSA|" + e[1] + "|");
                }
            } finally {
                hl7.close();
            }
        }
    }

    private static String msh(String type, String control) {
        return "MSH|^~\\&|HIS|HOSP|MIROIR|RAD|20250310070000||" + type + "|" + control + "|P|2.5\r";
    }
}
