package org.miroir.server.e2e;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.GenericModelClassFactory;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.FileMetaInformation;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.AssociationOptions;
import org.miroir.dicom.net.AssociationRequest;
import org.miroir.dicom.net.DicomClient;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.SyntheticStudies;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step 6 "done when" 1 and 2 on a node started by {@code ops/miroir run}, once per storage configuration (embedded,
 * and Cassandra + Ceph RADOS): HAPI's MLLP client sends a day of a radiology department's HL7 (registrations in
 * v2.3.1 to v2.5.1, an update, a merge, orders in ORM^O01 and OMG^O19, a change, a cancellation, a discontinuation,
 * a transfer Miroir ignores, and a few messages it must refuse); every acknowledgement is checked. Then dcmtk's
 * {@code findscu -W} must return exactly the expected worklist for each station and date range; Miroir's own SCU
 * performs steps (MPPS N-CREATE, N-SET) and the worklist follows; images built from a worklist item and stored with
 * storescu are found by their accession number; and the studies stored before the update and the merge are answered
 * by C-FIND, QIDO-RS and WADO-RS with the registry's demographics. The third run does it all through HAProxy into a
 * cluster of three nodes on Cassandra + Ceph ({@code ops/dev/cluster}): every message, query and store lands on
 * whichever node the balancer picks.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {StorageBackends.EMBEDDED, StorageBackends.CASSANDRA_RADOS, Hl7WorkflowEndToEndTest.CLUSTER})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Hl7WorkflowEndToEndTest {
    private static final String STUDY_1001 = "1.2.826.0.1.3680043.9.7433.1001";
    static final String CLUSTER = "3 nodes behind HAProxy on cassandra+rados";
    @TempDir
    static Path root;
    static Path tmp;
    @Parameter
    String storage;
    static Archive node;
    static HapiContext hapi;
    static Connection hl7;
    /** The studies stored before the day: Carol Brown's (updated by A08), Robert Jones's (merged by A40). */
    static Prior carol, robert;

    /** A study stored before the day, and where its first instance is. */
    record Prior(String study, String series, String instance) {}

    @BeforeParameterizedClassInvocation
    static void startAndSendTheDay(String storage) throws Exception {
        Dcmtk.assumeInstalled();
        tmp = Files.createDirectories(root.resolve(storage.equals(CLUSTER) ? "cluster" : storage));
        node = storage.equals(CLUSTER) ? Archive.of(BalancedCluster.up(tmp.resolve("cluster"), 3, "{}"))
                : Archive.of(ArchiveNode.start(tmp.resolve("data"), new JsonObject()
                        .put("storage", StorageBackends.config(storage, "hl7"))));
        carol = storePrior(patient("P1003", "Brown^Carol", "19900520", "F"), "OLD1003");
        robert = storePrior(patient("P1004", "Jones^Robert", "19750315", "M"), "OLD1004");

        hapi = new DefaultHapiContext(new GenericModelClassFactory());
        hapi.setValidationContext(ValidationContextFactory.noValidation());
        hapi.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator()); // else an id_file is written
        hapi.setLowerLayerProtocol(new MinLowerLayerProtocol(true)); // MSH-18 decides the encoding
        hl7 = hapi.newClient("127.0.0.1", node.hl7Port(), false);
        hl7.getInitiator().setTimeout(60, TimeUnit.SECONDS);
        for (Exchange e : day()) {
            String ack = send(e.message());
            assertThat(Er7.field(ack, "MSA-1")).as("%s\n%s\n%s", e.what(), ack.replace('\r', '\n'), node.output())
                    .isEqualTo(e.ack());
            assertThat(Er7.field(ack, "MSA-2")).isEqualTo(Er7.field(e.message(), "MSH-10"));
            if (!e.errorCode().isEmpty()) {
                String code = Er7.field(ack, "MSH-12").startsWith("2.5") ? Er7.field(ack, "ERR-3-1")
                        : Er7.field(ack, "ERR-1-4-1");
                assertThat(code).as("%s\n%s", e.what(), ack.replace('\r', '\n')).isEqualTo(e.errorCode());
            }
        }
    }

    @AfterParameterizedClassInvocation
    static void stop() throws IOException {
        if (hl7 != null) hl7.close();
        if (hapi != null) hapi.close();
        if (node != null) node.close();
        hl7 = null;
        hapi = null;
        node = null;
    }

    private static String send(String er7) throws Exception {
        Message rsp = hl7.getInitiator().sendAndReceive(hapi.getPipeParser().parse(er7));
        return hapi.getPipeParser().encode(rsp);
    }

    /** What the test talks to: one node, or a cluster through its balancer. */
    interface Archive extends AutoCloseable {
        int dicomPort();

        int hl7Port();

        HttpResponse<String> get(String path) throws IOException;

        /** HL7 messages answered, over every node. */
        double hl7Messages() throws IOException;

        /** Where to look when something fails. */
        String output() throws IOException;

        @Override
        void close();

        static Archive of(ArchiveNode n) {
            return new Archive() {
                public int dicomPort() { return n.dicomPort; }
                public int hl7Port() { return n.hl7Port; }
                public HttpResponse<String> get(String path) throws IOException { return n.get(path); }
                public double hl7Messages() throws IOException { return n.metric("miroir_hl7_messages_total"); }
                public String output() { return n.output(); }
                public void close() { n.close(); }
            };
        }

        static Archive of(BalancedCluster c) {
            return new Archive() {
                public int dicomPort() { return c.balancerDicomPort(); }
                public int hl7Port() { return c.balancerHl7Port(); }
                public HttpResponse<String> get(String path) throws IOException {
                    return c.http(c.balancerHttpPort(), "GET", path, null);
                }
                public double hl7Messages() throws IOException {
                    double sum = 0;
                    for (int i = 1; i <= c.nodes; i++) sum += c.metric(i, "miroir_hl7_messages_total", "");
                    return sum;
                }
                public String output() { return "(the nodes' logs: " + c.dir + "/node*.log)"; }
                public void close() { c.close(); }
            };
        }
    }

    // ------------------------------------------------------------------ the day

    /** One message and the acknowledgement it must get (MSA-1, and the HL7 error code for AE and AR). */
    record Exchange(String what, String message, String ack, String errorCode) {
        static Exchange aa(String what, String message) {
            return new Exchange(what, message, "AA", "");
        }
    }


    /** An OMG^O19 order (v2.5.1): timing and priority in TQ1. */
    private static String omg(String charset, String pid, String placer, String station, String start,
            String accession, String code, String name, String modality) {
        String orc = Er7.seg("ORC", "NW", placer + "^RIS", "", "", "SC", "", "", "", "20250310070000", "", "",
                "ORD2^Order^Olga", "", "", "", "", "", station);
        String[] obr = new String[24];
        java.util.Arrays.fill(obr, "");
        obr[0] = "1";
        obr[1] = placer + "^RIS";
        obr[3] = code + "^" + name + "^LOCAL";
        obr[17] = accession;
        obr[18] = "RP" + accession;
        obr[19] = "SPS" + accession;
        obr[23] = modality;
        return Er7.msh("OMG^O19^OMG_O19", Er7.nextControlId(), "2.5.1", charset) + pid
                + Er7.seg("PV1", "1", "O", "RAD^^^HOSP") + orc
                + Er7.seg("TQ1", "1", "", "", "", "", "", start, "", "R") + Er7.seg("OBR", obr);
    }

    static List<Exchange> day() {
        String alice = Er7.pid("P1001", "Smith^Alice", "19800101", "F");
        String bob = Er7.pid("P1002", "Jones^Bob", "19750315", "M");
        String carolPid = Er7.pid("P1003", "Brown^Carol", "19900520", "F");
        String robertPid = Er7.pid("P1004", "Jones^Robert", "19750315", "M");
        String jorg = Er7.pid("P1005", "Müller^Jörg", "19650707", "M");
        List<Exchange> day = new ArrayList<>();
        day.add(Exchange.aa("A04 v2.4 registers Alice", Er7.adt("A04", "2.4", alice)));
        day.add(Exchange.aa("A01 v2.3.1 admits Bob", Er7.adt("A01", "2.3.1", bob)));
        day.add(Exchange.aa("A04 v2.5 registers Carol", Er7.adt("A04", "2.5", carolPid)));
        day.add(Exchange.aa("A04 v2.5 registers Robert (Bob, twice)", Er7.adt("A04", "2.5", robertPid)));
        day.add(Exchange.aa("A04 v2.5.1 UTF-8 registers Jörg", Er7.msh("ADT^A04", Er7.nextControlId(), "2.5.1",
                "UNICODE UTF-8") + Er7.seg("EVN", "A04") + jorg + Er7.seg("PV1", "1", "O")));
        day.add(Exchange.aa("O1 NW CT chest, CT1 09:00", Er7.orm("2.3.1", "NW", alice, "PO1", "CT1", "202503100900",
                "A1001", "CTCHEST", "CT Chest", "CT", STUDY_1001)));
        day.add(Exchange.aa("O2 NW (OMG) MR brain, MR1 10:00", omg(null, bob, "PO2", "MR1", "202503101000", "A1002",
                "MRBRAIN", "MR Brain", "MR")));
        day.add(Exchange.aa("O3 NW CT abdomen, CT1 11:00", Er7.orm("2.3.1", "NW", carolPid, "PO3", "CT1",
                "202503101100", "A1003", "CTABD", "CT Abdomen", "CT", null)));
        day.add(Exchange.aa("O4 NW CT head for Robert, CT1 tomorrow 08:00", Er7.orm("2.3.1", "NW", robertPid, "PO4",
                "CT1", "202503110800", "A1004", "CTHEAD", "CT Head", "CT", null)));
        day.add(Exchange.aa("O5 NW (OMG, UTF-8) MR knee, MR1 tomorrow 09:30", omg("UNICODE UTF-8", jorg, "PO5",
                "MR1", "202503110930", "A1005", "MRKNEE", "MR Knie", "MR")));
        day.add(Exchange.aa("O6 NW DX chest, DX1 15:00", Er7.orm("2.4", "NW", alice, "PO6", "DX1", "202503101500",
                "A1006", "DXCHEST", "Chest X-ray", "DX", null)));
        day.add(Exchange.aa("O7 NW CT spine, CT1 16:00", Er7.orm("2.4", "NW", bob, "PO7", "CT1", "202503101600",
                "A1007", "CTSPINE", "CT Spine", "CT", null)));
        day.add(Exchange.aa("A08 renames Carol", Er7.adt("A08", "2.5", Er7.pid("P1003", "Brown-White^Carol", "19900520",
                "F"))));
        day.add(Exchange.aa("O3 XO moves it to CT2 14:00", Er7.orm("2.3.1", "XO", Er7.pid("P1003", "Brown-White^Carol",
                "19900520", "F"), "PO3", "CT2", "202503101400", "A1003", "CTABD", "CT Abdomen", "CT", null)));
        day.add(Exchange.aa("A02 transfer (ignored)", Er7.adt("A02", "2.5", alice)));
        day.add(Exchange.aa("O6 CA cancels it", Er7.orm("2.4", "CA", alice, "PO6", "", "", "A1006", "DXCHEST",
                "Chest X-ray", "DX", null)));
        day.add(Exchange.aa("O7 DC discontinues it", Er7.orm("2.4", "DC", bob, "PO7", "", "", "A1007", "CTSPINE",
                "CT Spine", "CT", null)));
        day.add(Exchange.aa("A40 merges Robert into Bob", Er7.msh("ADT^A40^ADT_A39", "2.5") + Er7.seg("EVN", "A40")
                + bob + Er7.seg("MRG", "P1004^^^HOSP^MR")));
        day.add(Exchange.aa("O1 NW sent again (no acknowledgement came)", Er7.orm("2.3.1", "NW", alice, "PO1", "CT1",
                "202503100900", "A1001", "CTCHEST", "CT Chest", "CT", STUDY_1001)));
        day.add(new Exchange("XO of an order never placed", Er7.orm("2.3.1", "XO", alice, "PO999", "CT1",
                "202503100900", "A1999", "CTCHEST", "CT Chest", "CT", null), "AE", "204"));
        day.add(new Exchange("CA of a discontinued order", Er7.orm("2.4", "CA", bob, "PO7", "", "", "A1007", "CTSPINE",
                "CT Spine", "CT", null), "AE", "206"));
        day.add(new Exchange("A08 without PID-3", Er7.adt("A08", "2.5", Er7.pid("", "Nobody^Known", "", "")), "AE", "101"));
        day.add(new Exchange("SIU^S12 is not for the archive", Er7.msh("SIU^S12", "2.5") + alice, "AR", "200"));
        day.add(new Exchange("ADT^Z99 is no HL7 event", Er7.adt("Z99", "2.5", alice), "AR", "201"));
        return day;
    }

    // ------------------------------------------------------------------ the worklist

    /** findscu -W with the given keys; the responses by accession number. */
    private static Map<String, Attributes> worklist(String... keys) throws IOException {
        List<String> all = new ArrayList<>(List.of("AccessionNumber", "PatientName", "PatientID",
                "IssuerOfPatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID", "RequestedProcedureID",
                "RequestedProcedureDescription", "ReferringPhysicianName",
                "ScheduledProcedureStepSequence[0].ScheduledProcedureStepID",
                "ScheduledProcedureStepSequence[0].ScheduledProcedureStepDescription",
                "ScheduledProcedureStepSequence[0].ScheduledProcedureStepStatus"));
        for (String k : keys) all.add(k.startsWith("SPS.") ? "ScheduledProcedureStepSequence[0]." + k.substring(4) : k);
        for (String sps : List.of("ScheduledStationAETitle", "ScheduledProcedureStepStartDate",
                "ScheduledProcedureStepStartTime", "Modality"))
            if (all.stream().noneMatch(k -> k.contains("." + sps))) all.add("ScheduledProcedureStepSequence[0]." + sps);
        List<Attributes> rsp = Scu.find(node.dicomPort(), "-W", tmp, all.toArray(String[]::new));
        Map<String, Attributes> out = new LinkedHashMap<>();
        for (Attributes a : rsp) assertThat(out.put(a.getString(Tag.AccessionNumber), a)).as("one response per item")
                .isNull();
        return out;
    }

    private static Attributes step(Attributes item) {
        Sequence s = item.getSequence(Tag.ScheduledProcedureStepSequence);
        assertThat(s).as("Scheduled Procedure Step Sequence").hasSize(1);
        return s.get(0);
    }

    @Test
    @Order(1)
    void eachStationAndDateRangeGetsExactlyItsWorklist() throws IOException {
        assertThat(worklist("SPS.ScheduledStationAETitle=CT1", "SPS.ScheduledProcedureStepStartDate=20250310").keySet())
                .containsExactly("A1001");
        assertThat(worklist("SPS.ScheduledStationAETitle=CT2", "SPS.ScheduledProcedureStepStartDate=20250310").keySet())
                .containsExactly("A1003");
        assertThat(worklist("SPS.ScheduledStationAETitle=MR1", "SPS.ScheduledProcedureStepStartDate=20250310").keySet())
                .containsExactly("A1002");
        assertThat(worklist("SPS.ScheduledStationAETitle=DX1")).as("cancelled orders leave the worklist").isEmpty();
        assertThat(worklist("SPS.ScheduledStationAETitle=CT1", "SPS.ScheduledProcedureStepStartDate=20250311").keySet())
                .containsExactly("A1004");
        assertThat(worklist("SPS.ScheduledStationAETitle=MR1", "SPS.ScheduledProcedureStepStartDate=20250311").keySet())
                .containsExactly("A1005");
        assertThat(worklist("SPS.ScheduledStationAETitle=CT1",
                "SPS.ScheduledProcedureStepStartDate=20250310-20250311").keySet())
                .containsExactlyInAnyOrder("A1001", "A1004");
        assertThat(worklist("SPS.ScheduledProcedureStepStartDate=20250310").keySet())
                .containsExactlyInAnyOrder("A1001", "A1002", "A1003");
        assertThat(worklist("SPS.ScheduledProcedureStepStartDate=20250310",
                "SPS.ScheduledProcedureStepStartTime=1000-1500").keySet()).containsExactlyInAnyOrder("A1002", "A1003");
        assertThat(worklist("SPS.Modality=MR").keySet()).containsExactlyInAnyOrder("A1002", "A1005");
        assertThat(worklist("PatientID=P1002").keySet()).containsExactlyInAnyOrder("A1002", "A1004");
        assertThat(worklist("PatientName=brown*").keySet()).as("names match ignoring case (the node's default)")
                .containsExactly("A1003");
        assertThat(worklist("AccessionNumber=A1006")).isEmpty();
    }

    @Test
    @Order(2)
    void itemsCarryTheOrderAndTheRegistrysPatient() throws IOException {
        Map<String, Attributes> all = worklist("SPS.ScheduledProcedureStepStartDate=20250310-20250311");
        assertThat(all.keySet()).containsExactlyInAnyOrder("A1001", "A1002", "A1003", "A1004", "A1005");
        Attributes o1 = all.get("A1001");
        assertThat(o1.getString(Tag.PatientID)).isEqualTo("P1001");
        assertThat(o1.getString(Tag.IssuerOfPatientID)).isEqualTo("HOSP");
        assertThat(o1.getString(Tag.PatientName)).isEqualTo("Smith^Alice");
        assertThat(o1.getString(Tag.PatientBirthDate)).isEqualTo("19800101");
        assertThat(o1.getString(Tag.StudyInstanceUID)).as("from ZDS").isEqualTo(STUDY_1001);
        assertThat(o1.getString(Tag.RequestedProcedureID)).isEqualTo("RPA1001");
        assertThat(o1.getString(Tag.RequestedProcedureDescription)).isEqualTo("CT Chest");
        assertThat(o1.getString(Tag.ReferringPhysicianName)).isEqualTo("Referring^Rita");
        assertThat(step(o1).getString(Tag.ScheduledStationAETitle)).isEqualTo("CT1");
        assertThat(step(o1).getString(Tag.ScheduledProcedureStepStartDate)).isEqualTo("20250310");
        assertThat(step(o1).getString(Tag.ScheduledProcedureStepStartTime)).isEqualTo("0900");
        assertThat(step(o1).getString(Tag.Modality)).isEqualTo("CT");
        assertThat(step(o1).getString(Tag.ScheduledProcedureStepID)).isEqualTo("SPSA1001");
        assertThat(step(o1).getString(Tag.ScheduledProcedureStepStatus)).isEqualTo("SCHEDULED");
        assertThat(all.get("A1002").getString(Tag.StudyInstanceUID)).as("a UID made from the order")
                .startsWith("2.25.");
        assertThat(all.get("A1003").getString(Tag.PatientName)).as("A08 before XO").isEqualTo("Brown-White^Carol");
        assertThat(step(all.get("A1003")).getString(Tag.ScheduledProcedureStepStartTime)).isEqualTo("1400");
        Attributes o4 = all.get("A1004");
        assertThat(o4.getString(Tag.PatientID)).as("merged into Bob").isEqualTo("P1002");
        assertThat(o4.getString(Tag.PatientName)).isEqualTo("Jones^Bob");
        assertThat(all.get("A1005").getString(Tag.PatientName)).isEqualTo("Müller^Jörg");
        assertThat(step(all.get("A1005")).getString(Tag.ScheduledProcedureStepStartTime)).isEqualTo("0930");
    }

    // ------------------------------------------------------------------ the registry on stored studies

    @Test
    @Order(3)
    void anUpdateShowsOnStudiesStoredBeforeIt() throws IOException {
        List<Attributes> studies = Scu.find(node.dicomPort(), Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                "PatientID=P1003", "PatientName", "StudyInstanceUID");
        assertThat(studies).hasSize(1);
        assertThat(studies.get(0).getString(Tag.PatientName)).isEqualTo("Brown-White^Carol");
        assertThat(Scu.find(node.dicomPort(), Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                "PatientName=Brown-White^Carol", "StudyInstanceUID")).hasSize(1);
        assertThat(Scu.find(node.dicomPort(), Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                "PatientName=Brown^Carol", "StudyInstanceUID")).isEmpty();
        List<Attributes> images = Scu.find(node.dicomPort(), Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=IMAGE",
                "StudyInstanceUID=" + carol.study, "SeriesInstanceUID=" + carol.series, "SOPInstanceUID",
                "PatientName");
        assertThat(images).isNotEmpty().allSatisfy(i -> assertThat(i.getString(Tag.PatientName))
                .isEqualTo("Brown-White^Carol"));

        JsonArray qido = new JsonArray(node.get("/dicom-web/studies?PatientID=P1003").body());
        assertThat(qido).hasSize(1);
        assertThat(alphabetic(qido.getJsonObject(0), "00100010")).isEqualTo("Brown-White^Carol");
        JsonArray instances = new JsonArray(node.get("/dicom-web/studies/" + carol.study
                + "/instances?includefield=00100010").body());
        assertThat(instances).isNotEmpty();
        for (int i = 0; i < instances.size(); i++)
            assertThat(alphabetic(instances.getJsonObject(i), "00100010")).isEqualTo("Brown-White^Carol");
        JsonArray metadata = new JsonArray(node.get("/dicom-web/studies/" + carol.study + "/metadata").body());
        assertThat(metadata).isNotEmpty();
        for (int i = 0; i < metadata.size(); i++)
            assertThat(alphabetic(metadata.getJsonObject(i), "00100010")).isEqualTo("Brown-White^Carol");
    }

    @Test
    @Order(4)
    void aMergeMovesStudiesStoredBeforeIt() throws IOException {
        List<Attributes> bobs = Scu.find(node.dicomPort(), Scu.PATIENT_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                "PatientID=P1002", "StudyInstanceUID", "PatientName");
        assertThat(Scu.values(bobs, Tag.StudyInstanceUID)).containsExactly(robert.study);
        assertThat(bobs.get(0).getString(Tag.PatientName)).isEqualTo("Jones^Bob");
        assertThat(Scu.find(node.dicomPort(), Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY", "PatientID=P1004",
                "StudyInstanceUID")).isEmpty();
        JsonArray metadata = new JsonArray(node.get("/dicom-web/studies/" + robert.study + "/metadata").body());
        assertThat(metadata.getJsonObject(0).getJsonObject("00100020").getJsonArray("Value").getString(0))
                .isEqualTo("P1002");
    }

    // ------------------------------------------------------------------ performed steps

    @Test
    @Order(5)
    void performedStepsMoveItemsOffTheWorklist() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            DicomClient client = new DicomClient(vertx, new AssociationOptions());
            AssociationRequest rq = new AssociationRequest("CT1", ArchiveNode.AE_TITLE);
            rq.addPresentationContext(UID.ModalityPerformedProcedureStep, UID.ExplicitVRLittleEndian);
            Association as = client.connect("127.0.0.1", node.dicomPort(), rq).await(30, TimeUnit.SECONDS);
            Attributes o1 = worklist("AccessionNumber=A1001").get("A1001");
            String pps1 = SyntheticStudies.newUid();
            DimseResponse created = as.nCreate(UID.ModalityPerformedProcedureStep, pps1, inProgress(o1, "CT1"))
                    .await(60, TimeUnit.SECONDS);
            assertThat(created.status()).as(created.toString()).isEqualTo(0);
            Map<String, Attributes> ct1 = worklist("SPS.ScheduledStationAETitle=CT1",
                    "SPS.ScheduledProcedureStepStartDate=20250310");
            assertThat(ct1.keySet()).as("an exam in progress stays on the worklist").containsExactly("A1001");
            assertThat(step(ct1.get("A1001")).getString(Tag.ScheduledProcedureStepStatus)).isEqualTo("STARTED");
            assertThat(as.nCreate(UID.ModalityPerformedProcedureStep, pps1, inProgress(o1, "CT1"))
                    .await(60, TimeUnit.SECONDS).status()).as("duplicate SOP instance").isEqualTo(0x0111);

            DimseResponse completed = as.nSet(UID.ModalityPerformedProcedureStep, pps1, ended("COMPLETED"))
                    .await(60, TimeUnit.SECONDS);
            assertThat(completed.status()).as(completed.toString()).isEqualTo(0);
            assertThat(worklist("SPS.ScheduledStationAETitle=CT1", "SPS.ScheduledProcedureStepStartDate=20250310"))
                    .as("a completed step leaves the worklist").isEmpty();
            assertThat(as.nSet(UID.ModalityPerformedProcedureStep, pps1, ended("DISCONTINUED"))
                    .await(60, TimeUnit.SECONDS).status()).as("no longer updatable").isEqualTo(0x0110);
            assertThat(as.nSet(UID.ModalityPerformedProcedureStep, SyntheticStudies.newUid(), ended("COMPLETED"))
                    .await(60, TimeUnit.SECONDS).status()).as("no such SOP instance").isEqualTo(0x0112);
            as.release().await(30, TimeUnit.SECONDS);

            AssociationRequest mr = new AssociationRequest("MR1", ArchiveNode.AE_TITLE);
            mr.addPresentationContext(UID.ModalityPerformedProcedureStep, UID.ExplicitVRLittleEndian);
            Association mrAs = client.connect("127.0.0.1", node.dicomPort(), mr).await(30, TimeUnit.SECONDS);
            Attributes o2 = worklist("AccessionNumber=A1002").get("A1002");
            DimseResponse assigned = mrAs.nCreate(UID.ModalityPerformedProcedureStep, null, inProgress(o2, "MR1"))
                    .await(60, TimeUnit.SECONDS);
            assertThat(assigned.status()).isEqualTo(0);
            assertThat(assigned.affectedSopInstanceUid()).as("the SCP assigns the UID").isNotBlank();
            assertThat(mrAs.nSet(UID.ModalityPerformedProcedureStep, assigned.affectedSopInstanceUid(),
                    ended("DISCONTINUED")).await(60, TimeUnit.SECONDS).status()).isEqualTo(0);
            mrAs.release().await(30, TimeUnit.SECONDS);
            assertThat(worklist("SPS.ScheduledProcedureStepStartDate=20250310")).as("discontinued leaves it too")
                    .containsOnlyKeys("A1003");
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    /** An MPPS N-CREATE data set for the worklist item {@code item}, as a modality makes it. */
    private static Attributes inProgress(Attributes item, String station) {
        Attributes a = new Attributes();
        a.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        Attributes ref = a.newSequence(Tag.ScheduledStepAttributesSequence, 1).addNewItem();
        ref.setString(Tag.StudyInstanceUID, VR.UI, item.getString(Tag.StudyInstanceUID));
        ref.setString(Tag.AccessionNumber, VR.SH, item.getString(Tag.AccessionNumber));
        ref.setString(Tag.RequestedProcedureID, VR.SH, item.getString(Tag.RequestedProcedureID));
        ref.setString(Tag.ScheduledProcedureStepID, VR.SH, step(item).getString(Tag.ScheduledProcedureStepID));
        a.setString(Tag.PatientName, VR.PN, item.getString(Tag.PatientName));
        a.setString(Tag.PatientID, VR.LO, item.getString(Tag.PatientID));
        a.setString(Tag.PerformedStationAETitle, VR.AE, station);
        a.setString(Tag.PerformedProcedureStepStartDate, VR.DA, "20250310");
        a.setString(Tag.PerformedProcedureStepStartTime, VR.TM, "090500");
        a.setString(Tag.PerformedProcedureStepID, VR.SH, "PPS-" + item.getString(Tag.AccessionNumber));
        a.setString(Tag.PerformedProcedureStepStatus, VR.CS, "IN PROGRESS");
        a.setString(Tag.Modality, VR.CS, step(item).getString(Tag.Modality));
        a.newSequence(Tag.PerformedSeriesSequence, 0);
        return a;
    }

    private static Attributes ended(String status) {
        Attributes a = new Attributes();
        a.setString(Tag.PerformedProcedureStepStatus, VR.CS, status);
        a.setString(Tag.PerformedProcedureStepEndDate, VR.DA, "20250310");
        a.setString(Tag.PerformedProcedureStepEndTime, VR.TM, "093000");
        return a;
    }

    // ------------------------------------------------------------------ images after an order

    @Test
    @Order(6)
    void imagesBuiltFromTheWorklistCarryTheAccessionNumber() throws IOException {
        Attributes item = worklist("SPS.ScheduledStationAETitle=CT1", "SPS.ScheduledProcedureStepStartDate=20250311")
                .get("A1004");
        SyntheticStudies gen = SyntheticStudies.builder().seed(6).patients(1).seriesPerStudy(1).instancesPerSeries(2)
                .rows(8).columns(8).modalities("CT").build();
        List<Path> files = new ArrayList<>();
        Path dir = Files.createDirectories(tmp.resolve("modality"));
        for (SyntheticStudies.Instance inst : gen.instances()) {
            Attributes ds = gen.dataset(inst);
            for (int tag : new int[] {Tag.PatientName, Tag.PatientID, Tag.IssuerOfPatientID, Tag.PatientBirthDate,
                    Tag.PatientSex, Tag.StudyInstanceUID, Tag.AccessionNumber, Tag.ReferringPhysicianName})
                ds.setString(tag, item.getVR(tag), item.getStrings(tag));
            Attributes request = ds.newSequence(Tag.RequestAttributesSequence, 1).addNewItem();
            request.setString(Tag.RequestedProcedureID, VR.SH, item.getString(Tag.RequestedProcedureID));
            request.setString(Tag.ScheduledProcedureStepID, VR.SH, step(item).getString(Tag.ScheduledProcedureStepID));
            files.add(write(ds, dir.resolve(inst.sopInstanceUid() + ".dcm")));
        }
        Map<Path, String> stored = Scu.store(node.dicomPort(), files);
        assertThat(stored.values()).containsOnly("Success").hasSize(files.size());

        List<Attributes> byAccession = Scu.find(node.dicomPort(), Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=STUDY",
                "AccessionNumber=A1004", "StudyInstanceUID", "PatientID", "NumberOfStudyRelatedInstances");
        assertThat(byAccession).hasSize(1);
        assertThat(byAccession.get(0).getString(Tag.StudyInstanceUID)).isEqualTo(item.getString(Tag.StudyInstanceUID));
        assertThat(byAccession.get(0).getString(Tag.PatientID)).isEqualTo("P1002");
        assertThat(byAccession.get(0).getString(Tag.NumberOfStudyRelatedInstances)).isEqualTo("2");
        JsonArray qido = new JsonArray(node.get("/dicom-web/studies?AccessionNumber=A1004").body());
        assertThat(qido).hasSize(1);
        assertThat(qido.getJsonObject(0).getJsonObject("0020000D").getJsonArray("Value").getString(0))
                .isEqualTo(item.getString(Tag.StudyInstanceUID));
        assertThat(node.hl7Messages()).isEqualTo(day().size());
    }

    private static String alphabetic(JsonObject dataset, String tag) {
        return dataset.getJsonObject(tag).getJsonArray("Value").getJsonObject(0).getString("Alphabetic");
    }

    // ------------------------------------------------------------------ helpers

    private static Attributes patient(String id, String name, String birth, String sex) {
        Attributes p = new Attributes();
        p.setString(Tag.PatientID, VR.LO, id);
        p.setString(Tag.IssuerOfPatientID, VR.LO, "HOSP");
        p.setString(Tag.PatientName, VR.PN, name);
        p.setString(Tag.PatientBirthDate, VR.DA, birth);
        p.setString(Tag.PatientSex, VR.CS, sex);
        return p;
    }

    /** Stores a small CT study of {@code patient} (an earlier visit) and returns where it is. */
    private static Prior storePrior(Attributes patient, String accession) throws IOException {
        SyntheticStudies gen = SyntheticStudies.builder().seed(accession.hashCode()).patients(1).seriesPerStudy(1)
                .instancesPerSeries(2).rows(8).columns(8).modalities("CT").build();
        Path dir = Files.createDirectories(tmp.resolve("prior-" + accession));
        List<Path> files = new ArrayList<>();
        for (SyntheticStudies.Instance inst : gen.instances()) {
            Attributes ds = gen.dataset(inst);
            ds.addAll(patient);
            ds.setString(Tag.AccessionNumber, VR.SH, accession);
            files.add(write(ds, dir.resolve(inst.sopInstanceUid() + ".dcm")));
        }
        Map<Path, String> stored = Scu.store(node.dicomPort(), files);
        assertThat(stored.values()).containsOnly("Success").hasSize(files.size());
        SyntheticStudies.Instance first = gen.instances().get(0);
        return new Prior(first.study().studyInstanceUid(), first.series().seriesInstanceUid(), first.sopInstanceUid());
    }

    private static Path write(Attributes ds, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            new DicomOutputStream(out, UID.ExplicitVRLittleEndian).writeDataset(FileMetaInformation.create(
                    ds.getString(Tag.SOPInstanceUID), ds.getString(Tag.SOPClassUID), UID.ExplicitVRLittleEndian), ds);
        }
        return file;
    }
}
