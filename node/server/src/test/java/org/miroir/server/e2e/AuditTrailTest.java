package org.miroir.server.e2e;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.SelfSignedKey;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.server.auth.Tokens;
import org.miroir.server.web.WebNode;
import org.w3c.dom.Element;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit trail end to end: a node whose audit repository is a TLS syslog receiver, a scripted workload over DICOM
 * (dcmtk), DICOMweb, the admin API and HL7, and exactly the audit messages each access implies, every one valid
 * against the DICOM Audit Message schema (PS3.15 A.5.1) and framed as RFC 5424 with the DICOM MSGID. Then the
 * receiver stops: new messages wait in the spool on disk, and all of them arrive once it listens again.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AuditTrailTest {
    private static final Duration ARRIVAL = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @TempDir
    static Path tmp;
    static SyslogReceiver receiver;
    static WebNode node;
    static Tokens idp;
    static Path spool;
    static Schema schema;

    @BeforeAll
    static void start() throws Exception {
        Dcmtk.assumeInstalled();
        SelfSignedKey key = SelfSignedKey.create(tmp, "repository");
        receiver = new SyslogReceiver(key, FreePorts.next());
        receiver.start();
        idp = Tokens.create(tmp, "idp");
        spool = tmp.resolve("spool");
        Path data = tmp.resolve("data");
        int port = receiver.port();
        node = WebNode.start(data, new JsonObject().put("auth", idp.authSection())
                .put("audit", new JsonObject().put("host", "127.0.0.1").put("port", port)
                        .put("trustStore", key.keyStore().toString()).put("trustStorePassword", key.password())
                        .put("spoolDir", spool.toString())));
        schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(AuditTrailTest.class.getResource("/audit/dicom-audit-message.xsd"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
        if (receiver != null) receiver.close();
    }

    /** An audit message as received: its event, outcome and the XML. */
    private record Event(String id, String outcome, String xml) {}

    private static Event parse(String frame) throws Exception {
        assertThat(frame).as("RFC 5424 header, PRI 85 (authpriv.notice), DICOM MSGID").startsWith("<85>1 ")
                .contains(" miroir ").contains(" DICOM+RFC3881 - \uFEFF<");
        String xml = frame.substring(frame.indexOf('\uFEFF') + 1);
        schema.newValidator().validate(new StreamSource(new StringReader(xml)));
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new org.xml.sax.InputSource(new StringReader(xml)));
        Element ev = (Element) doc.getElementsByTagName("EventIdentification").item(0);
        Element id = (Element) ev.getElementsByTagName("EventID").item(0);
        return new Event(id.getAttribute("csd-code"), ev.getAttribute("EventOutcomeIndicator"), xml);
    }

    private static Map<String, Integer> count(List<Event> events) {
        Map<String, Integer> m = new TreeMap<>();
        for (Event e : events) m.merge(e.id() + "/" + e.outcome(), 1, Integer::sum);
        return m;
    }

    private static HttpResponse<String> http(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create(node.base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) rq.header("Authorization", "Bearer " + token);
        return HTTP.send(rq.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String dcmtk(boolean ok, String tool, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("127.0.0.1", String.valueOf(node.node.dicomPort())));
        var r = Dcmtk.run(Duration.ofSeconds(60), tool, a);
        assertThat(r.ok()).as(r.describe()).isEqualTo(ok);
        return r.describe();
    }

    @Test
    void everyAccessIsAuditedAndNothingIsLostWhileTheRepositoryIsAway() throws Exception {
        SyntheticStudies data = SyntheticStudies.builder().seed(3).patients(1).studiesPerPatient(1).seriesPerStudy(1)
                .instancesPerSeries(2).rows(8).columns(8).build();
        List<Path> files = data.writeAll(Files.createDirectories(tmp.resolve("files")),
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid());
        String study = data.studies().get(0).studyInstanceUid();
        String rad = idp.token("rad", "radiologist");
        String admin = idp.token("admin", "administrator");

        // The workload, and what each step must be audited as (EventID / EventOutcomeIndicator).
        Map<String, Integer> expected = new TreeMap<>();
        expected.merge("110100/0", 1, Integer::sum); // the node started: Application Activity
        dcmtk(true, "echoscu", "-aec", "MIROIR");
        expected.merge("110114/0", 1, Integer::sum); // association: User Authentication (login)
        List<String> store = new ArrayList<>(List.of("-aec", "MIROIR", "127.0.0.1", String.valueOf(node.node.dicomPort())));
        files.forEach(f -> store.add(f.toString()));
        var stored = Dcmtk.run(Duration.ofSeconds(60), "storescu", store);
        assertThat(stored.ok()).as(stored.describe()).isTrue();
        expected.merge("110114/0", 1, Integer::sum);
        expected.merge("110104/0", 1, Integer::sum); // both instances of the study: DICOM Instances Transferred
        dcmtk(true, "findscu", "-S", "-aec", "MIROIR", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study);
        expected.merge("110114/0", 1, Integer::sum);
        expected.merge("110112/0", 1, Integer::sum); // Query
        dcmtk(false, "echoscu", "-aec", "NOT_MIROIR");
        expected.merge("110114/4", 1, Integer::sum); // refused association: login failure
        assertThat(dcmtk(false, "movescu", "-S", "-aec", "MIROIR", "-aem", "NOWHERE", "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=" + study)).contains("MoveDestinationUnknown");
        expected.merge("110114/0", 1, Integer::sum);
        expected.merge("110104/4", 1, Integer::sum); // move to an unknown destination: transfer failed (0xA801)
        assertThat(http("GET", "/dicom-web/studies?StudyInstanceUID=" + study, rad, null).statusCode()).isEqualTo(200);
        expected.merge("110112/0", 1, Integer::sum);
        assertThat(http("GET", "/dicom-web/studies/" + study + "/metadata", rad, null).statusCode()).isEqualTo(200);
        expected.merge("110103/0", 1, Integer::sum); // DICOM Instances Accessed
        assertThat(http("GET", "/dicom-web/studies/" + study, rad, null).statusCode()).isEqualTo(200);
        expected.merge("110104/0", 1, Integer::sum); // WADO-RS: DICOM Instances Transferred (read)
        assertThat(http("GET", "/dicom-web/studies", null, null).statusCode()).isEqualTo(401);
        expected.merge("110114/4", 1, Integer::sum); // login failure
        assertThat(http("GET", "/dicom-web/studies", idp.token("tech", "technologist"), null).statusCode()).isEqualTo(403);
        expected.merge("110113/4", 1, Integer::sum); // Security Alert: use of a restricted function
        assertThat(http("PUT", "/admin/ae/VIEWER", admin, "{\"host\": \"127.0.0.1\", \"port\": 4242}").statusCode())
                .isEqualTo(200);
        expected.merge("110113/0", 1, Integer::sum); // Security Alert: network configuration
        assertThat(http("DELETE", "/dicom-web/studies/" + study, admin, null).statusCode()).isEqualTo(204);
        expected.merge("110105/0", 1, Integer::sum); // DICOM Study Deleted
        try (Mllp hl7 = Mllp.connect(node.node.hl7Port())) {
            String ack = hl7.exchange(Er7.msh("ADT^A04", "AUD1", "2.5", null) + Er7.seg("EVN", "A04")
                    + Er7.seg("PID", "1", "", "AUD-P1^^^HOSP", "", "Audit^Anna"), Duration.ofSeconds(30));
            assertThat(Er7.field(ack, "MSA-1")).isEqualTo("AA");
        }
        expected.merge("110110/0", 1, Integer::sum); // Patient Record

        int total = expected.values().stream().mapToInt(Integer::intValue).sum();
        List<Event> events = new ArrayList<>();
        for (String frame : receiver.await(total, ARRIVAL)) events.add(parse(frame));
        assertThat(count(events)).isEqualTo(expected);
        Event transferred = events.stream().filter(e -> e.id().equals("110104") && e.outcome().equals("0")
                && e.xml().contains("EventActionCode=\"C\"")).findFirst().orElseThrow();
        assertThat(transferred.xml()).as("the stored study, its patient and both instances")
                .contains(study).contains(data.patients().get(0).patientId())
                .contains(data.instances().get(0).sopInstanceUid()).contains(data.instances().get(1).sopInstanceUid());

        assertThat(only(events, "110110").xml()).as("the HL7 sender's patient").contains("AUD-P1").contains("Audit^Anna")
                .as("its control ID, base64 as every detail").contains(java.util.Base64.getEncoder()
                        .encodeToString("AUD1".getBytes(StandardCharsets.US_ASCII)));
        assertThat(only(events, "110105").xml()).as("the deleted study and its patient, read before the deletion")
                .contains(study).contains(data.patients().get(0).patientId());
        assertThat(only(events, "110112").xml()).contains("1.2.840.10008.5.1.4.1.2.2.1");

        // The repository goes away: three more associations are audited into the spool, on disk.
        receiver.stop();
        for (int i = 0; i < 3; i++) dcmtk(true, "echoscu", "-aec", "MIROIR");
        assertThat(awaitSpooled(3)).as("messages waiting on disk").isEqualTo(3);
        assertThat(receiver.messages()).hasSize(total);
        receiver.start();
        List<String> after = receiver.await(total + 3, ARRIVAL);
        assertThat(after).hasSize(total + 3);
        for (String frame : after.subList(total, total + 3)) assertThat(parse(frame).id()).isEqualTo("110114");
    }

    /** The first event with this EventID. */
    private static Event only(List<Event> events, String id) {
        return events.stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    /** Frames in the spool beyond its delivered mark, once there are {@code n} of them (or after a minute). */
    private static int awaitSpooled(int n) throws Exception {
        long deadline = System.nanoTime() + ARRIVAL.toNanos();
        int found;
        do {
            found = undeliveredFrames();
            if (found >= n) return found;
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return found;
    }

    private static int undeliveredFrames() throws Exception {
        String[] mark = Files.readString(spool.resolve("delivered"), StandardCharsets.US_ASCII).trim().split(" ");
        long segment = Long.parseLong(mark[0]), offset = Long.parseLong(mark[1]);
        int frames = 0;
        try (Stream<Path> files = Files.list(spool)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".seg")).sorted().toList()) {
                long n = Long.parseLong(f.getFileName().toString().replace(".seg", ""));
                if (n < segment) continue;
                byte[] bytes = Files.readAllBytes(f);
                int pos = n == segment ? (int) offset : 0;
                while (pos < bytes.length) {
                    int space = pos;
                    while (bytes[space] != ' ') space++;
                    pos = space + 1 + Integer.parseInt(new String(bytes, pos, space - pos, StandardCharsets.US_ASCII));
                    frames++;
                }
            }
        }
        return frames;
    }
}
