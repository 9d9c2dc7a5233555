package org.miroir.server.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.Processes;
import org.miroir.dicom.testing.SelfSignedKey;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.server.web.WebNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DICOM security against dcmtk: TLS on the TLS port with the BCP 195 profile (storescu and findscu with a client
 * certificate and anonymously, when client certificates are requested; without a trusted client certificate refused
 * when they are required; a plain association to the TLS port fails), calling AE titles and hosts checked against the
 * AE registry (an unknown AE, and a registered one calling from another host, get A-ASSOCIATE-RJ "calling AE title
 * not recognized"), per-AE permissions (a C-STORE or C-FIND an AE may not use is refused 0x0124), and C-MOVE to a
 * destination the registry does not know answered 0xA801.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DicomSecurityTest {
    @TempDir
    static Path tmp;
    static SelfSignedKey nodeKey;
    static Path clientKey, clientCert, clientTrust;
    static WebNode node;
    static int tlsPort;
    static List<Path> files;
    static String study;

    @BeforeAll
    static void start() throws Exception {
        Dcmtk.assumeInstalled();
        nodeKey = SelfSignedKey.create(tmp, "node");
        clientKey = tmp.resolve("client.key");
        clientCert = tmp.resolve("client.pem");
        clientTrust = tmp.resolve("clients.p12");
        Processes.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", clientKey.toString(),
                "-out", clientCert.toString(), "-subj", "/CN=STORESCU", "-days", "2"), Map.of(), Duration.ofMinutes(1),
                true, 1 << 16).assertOk();
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Processes.run(List.of(keytool, "-importcert", "-noprompt", "-alias", "client", "-file", clientCert.toString(),
                "-keystore", clientTrust.toString(), "-storetype", "PKCS12", "-storepass", "secret"), Map.of(),
                Duration.ofMinutes(1), true, 1 << 16).assertOk();
        SyntheticStudies data = SyntheticStudies.builder().seed(5).patients(1).studiesPerPatient(1).seriesPerStudy(1)
                .instancesPerSeries(1).rows(8).columns(8).build();
        files = data.writeAll(Files.createDirectories(tmp.resolve("files")), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid());
        study = data.studies().get(0).studyInstanceUid();
        tlsPort = FreePorts.next();
        JsonObject registry = new JsonObject()
                .put("STORESCU", ae("127.0.0.1", "store"))
                .put("FINDSCU", ae("127.0.0.1", "query"))
                .put("ECHOSCU", ae("127.0.0.1", "store", "query", "retrieve", "worklist"))
                .put("FARAWAY", ae("127.0.0.2", "store", "query", "retrieve", "worklist"));
        node = WebNode.start(tmp.resolve("data"), tlsConfig("request").put("aeRegistry", registry)
                .put("restrictCallingAETitlesToRegistry", true).put("checkCallingHosts", true));
    }

    private static JsonObject ae(String host, String... permissions) {
        return new JsonObject().put("host", host).put("port", 104).put("permissions", new JsonArray(List.of((Object[]) permissions)));
    }

    private static JsonObject tlsConfig(String clientAuth) {
        return new JsonObject().put("dicomTlsPort", tlsPort).put("tls", new JsonObject()
                .put("keyStore", nodeKey.keyStore().toString()).put("keyStorePassword", nodeKey.password())
                .put("trustStore", clientTrust.toString()).put("trustStorePassword", "secret")
                .put("clientAuth", clientAuth));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
    }

    private static Processes.Result run(String tool, int port, List<String> options, List<Path> inputs) {
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("-aec", "MIROIR", "127.0.0.1", String.valueOf(port)));
        inputs.forEach(f -> args.add(f.toString()));
        return Dcmtk.run(Duration.ofSeconds(60), tool, args);
    }

    private static List<String> withCertificate(String... more) {
        List<String> o = new ArrayList<>(List.of("+tls", clientKey.toString(), clientCert.toString(), "+cf",
                nodeKey.certificate().toString(), "-aet", "STORESCU"));
        o.addAll(List.of(more));
        return o;
    }

    @Test
    void dcmtkOverTlsWithAndWithoutAClientCertificate() {
        Processes.Result store = run("storescu", tlsPort, withCertificate(), files);
        assertThat(store.ok()).as(store.describe()).isTrue();
        Processes.Result anonymous = run("storescu", tlsPort, List.of("+tla", "+cf", nodeKey.certificate().toString(),
                "-aet", "STORESCU"), files);
        assertThat(anonymous.ok()).as(anonymous.describe()).isTrue();
        Processes.Result find = run("findscu", tlsPort, List.of("+tls", clientKey.toString(), clientCert.toString(),
                "+cf", nodeKey.certificate().toString(), "-aet", "FINDSCU", "-S", "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=" + study, "-k", "PatientID"), List.of());
        assertThat(find.ok()).as(find.describe()).isTrue();
        assertThat(find.stdout() + find.stderr()).as("one match").contains(study);
        Processes.Result plain = run("echoscu", tlsPort, List.of("-aet", "ECHOSCU", "-to", "10", "-ta", "10"), List.of());
        assertThat(plain.ok()).as("a plain association to the TLS port: " + plain.describe()).isFalse();
    }

    @Test
    void aRequiredClientCertificateMustBeTrusted() throws Exception {
        int port = FreePorts.next();
        try (WebNode strict = WebNode.start(tmp.resolve("strict"), tlsConfig("required").put("dicomTlsPort", port))) {
            assertThat(run("echoscu", port, withCertificate(), List.of()).ok()).isTrue();
            Processes.Result anonymous = run("echoscu", port, List.of("+tla", "+cf", nodeKey.certificate().toString()),
                    List.of());
            assertThat(anonymous.ok()).as(anonymous.describe()).isFalse();
            // A certificate the node's trust store does not hold: its own, not the client's.
            Path other = tmp.resolve("other.key");
            Path otherCert = tmp.resolve("other.pem");
            Processes.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", other.toString(),
                    "-out", otherCert.toString(), "-subj", "/CN=INTRUDER", "-days", "2"), Map.of(), Duration.ofMinutes(1),
                    true, 1 << 16).assertOk();
            Processes.Result untrusted = run("echoscu", port, List.of("+tls", other.toString(), otherCert.toString(),
                    "+cf", nodeKey.certificate().toString()), List.of());
            assertThat(untrusted.ok()).as(untrusted.describe()).isFalse();
        }
    }

    @Test
    void callingAeTitlesAndHostsFollowTheRegistry() throws Exception {
        int port = node.node.dicomPort();
        assertThat(run("echoscu", port, List.of("-aet", "ECHOSCU"), List.of()).ok()).isTrue();
        Processes.Result stranger = run("echoscu", port, List.of("-aet", "STRANGER"), List.of());
        assertThat(stranger.ok()).isFalse();
        assertThat(stranger.describe()).contains("Calling AE Title Not Recognized");
        Processes.Result faraway = run("echoscu", port, List.of("-aet", "FARAWAY"), List.of());
        assertThat(faraway.ok()).as("FARAWAY is registered on 127.0.0.2 and calls from 127.0.0.1").isFalse();
        assertThat(faraway.describe()).contains("Calling AE Title Not Recognized");
        // Registered on this host through the admin API, the same AE is accepted at once.
        HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(node.base + "/admin/ae/FARAWAY"))
                .PUT(HttpRequest.BodyPublishers.ofString(ae("127.0.0.1", "query").encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(awaitEcho("FARAWAY")).as("accepted once registered on its host").isTrue();
    }

    /** The registry change reaches the node's host resolution asynchronously: echo until accepted (bounded). */
    private static boolean awaitEcho(String aet) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (run("echoscu", node.node.dicomPort(), List.of("-aet", aet), List.of()).ok()) return true;
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    void eachAeUsesOnlyTheServicesItMay() {
        int port = node.node.dicomPort();
        Processes.Result storeByFinder = run("storescu", port, List.of("-v", "-aet", "FINDSCU"), files);
        assertThat(storeByFinder.describe()).as("C-STORE refused: Not authorized").containsIgnoringCase("0x124");
        Processes.Result findByStorer = run("findscu", port, List.of("-v", "-aet", "STORESCU", "-S", "-k",
                "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID"), List.of());
        assertThat(findByStorer.describe()).as("C-FIND refused: Not authorized").containsIgnoringCase("0x124");
        Processes.Result findByFinder = run("findscu", port, List.of("-v", "-aet", "FINDSCU", "-S", "-k",
                "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID"), List.of());
        assertThat(findByFinder.ok()).as(findByFinder.describe()).isTrue();
        assertThat(findByFinder.describe()).doesNotContainIgnoringCase("0x124");
    }

    @Test
    void aMoveToAnUnregisteredDestinationIsRefused() {
        Processes.Result move = run("movescu", node.node.dicomPort(), List.of("-aet", "ECHOSCU", "-aem", "NOWHERE",
                "-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study), List.of());
        assertThat(move.ok()).isFalse();
        assertThat(move.describe()).contains("MoveDestinationUnknown");
    }
}
