package org.miroir.server.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.SyntheticStudies;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API of the cluster-wide configuration on a node started by {@code ops/miroir run}: the AE registry and the
 * live settings change what the node does at once; bad requests are refused with a reason and change nothing.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdminApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path tmp;
    static ArchiveNode node;

    @BeforeAll
    static void start() throws IOException {
        Dcmtk.assumeInstalled();
        node = ArchiveNode.start(tmp.resolve("data"), new JsonObject().put("aeRegistry", new JsonObject()
                .put("FILE_AE", new JsonObject().put("host", "127.0.0.1").put("port", 104))));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest rq = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(rq, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonArray aes() throws Exception {
        return new JsonArray(send("GET", "/admin/ae", null).body());
    }

    @Test
    void aeRegistryEntriesAreAddedListedAndRemovedAndBadOnesRefused() throws Exception {
        JsonArray every = new JsonArray(List.of("store", "query", "retrieve", "worklist"));
        assertThat(aes()).containsExactly(new JsonObject().put("host", "127.0.0.1").put("port", 104)
                .put("permissions", every).put("aeTitle", "FILE_AE").put("source", "file"));
        for (String[] bad : List.of(
                new String[] {"VIEWER", "not json"},
                new String[] {"VIEWER", "[1, 2]"},
                new String[] {"VIEWER", "{\"host\": \"127.0.0.1\"}"},
                new String[] {"VIEWER", "{\"host\": \"127.0.0.1\", \"port\": 70000}"},
                new String[] {"VIEWER", "{\"host\": \"a host\", \"port\": 104}"},
                new String[] {"VIEWER", "{\"host\": \"127.0.0.1\", \"port\": 104, \"permissions\": [\"delete\"]}"},
                new String[] {"VIEWER", "{\"host\": \"127.0.0.1\", \"port\": 104, \"permissions\": \"store\"}"},
                new String[] {"TITLE_LONGER_THAN_16", "{\"host\": \"127.0.0.1\", \"port\": 104}"})) {
            HttpResponse<String> r = send("PUT", "/admin/ae/" + bad[0], bad[1]);
            assertThat(r.statusCode()).as("PUT %s %s: %s", bad[0], bad[1], r.body()).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getString("error")).isNotBlank();
        }
        assertThat(aes()).hasSize(1);

        assertThat(send("PUT", "/admin/ae/VIEWER", "{\"host\": \"127.0.0.1\", \"port\": 4242, \"permissions\": "
                + "[\"query\", \"retrieve\"]}").statusCode()).isEqualTo(200);
        assertThat(aes()).contains(new JsonObject().put("host", "127.0.0.1").put("port", 4242)
                .put("permissions", new JsonArray(List.of("query", "retrieve"))).put("aeTitle", "VIEWER")
                .put("source", "cluster"));
        assertThat(send("DELETE", "/admin/ae/VIEWER", null).statusCode()).isEqualTo(200);
        assertThat(send("DELETE", "/admin/ae/VIEWER", null).statusCode()).isEqualTo(404);
        HttpResponse<String> fileEntry = send("DELETE", "/admin/ae/FILE_AE", null);
        assertThat(fileEntry.statusCode()).isEqualTo(404);
        assertThat(fileEntry.body()).contains("configuration file");
        assertThat(aes()).hasSize(1);
    }

    @Test
    void liveSettingsChangeWhatTheNodeDoesAtOnce() throws Exception {
        Path file = SyntheticStudies.ctSeries(1).writeAll(tmp.resolve("ct"), UID.ExplicitVRLittleEndian).get(0);
        assertThat(Scu.store(node.dicomPort, List.of(file)).values()).containsExactly("Success");
        assertThat(Scu.store(node.dicomPort, List.of(file)).values()).as("duplicate under the default policy")
                .containsExactly("Warning");

        assertThat(send("PUT", "/admin/settings/duplicatePolicy", "{\"value\": \"REJECT\"}").statusCode()).isEqualTo(200);
        assertThat(new JsonObject(send("GET", "/admin/settings", null).body()).getJsonObject("duplicatePolicy"))
                .isEqualTo(new JsonObject().put("value", "REJECT").put("source", "cluster"));
        // 0x0111 Duplicate SOP Instance, which storescu has no name for.
        assertThat(Scu.store(node.dicomPort, List.of(file)).values()).as("duplicate refused").containsExactly("Unknown");
        assertThat(send("DELETE", "/admin/settings/duplicatePolicy", null).statusCode()).isEqualTo(200);
        assertThat(Scu.store(node.dicomPort, List.of(file)).values()).containsExactly("Warning");

        // Calling AEs restricted to the registry: an unknown one is rejected, a registered one accepted.
        Scu.echo(node.dicomPort);
        assertThat(send("PUT", "/admin/settings/restrictCallingAETitlesToRegistry", "{\"value\": true}").statusCode())
                .isEqualTo(200);
        try {
            var unknown = Dcmtk.run("echoscu", "-aet", "STRANGER", "-aec", ArchiveNode.AE_TITLE, "127.0.0.1",
                    String.valueOf(node.dicomPort));
            assertThat(unknown.ok()).isFalse();
            assertThat(unknown.stdout() + unknown.stderr()).contains("Calling AE Title Not Recognized");
            Dcmtk.run("echoscu", "-aet", "FILE_AE", "-aec", ArchiveNode.AE_TITLE, "127.0.0.1",
                    String.valueOf(node.dicomPort)).assertOk();
        } finally {
            assertThat(send("DELETE", "/admin/settings/restrictCallingAETitlesToRegistry", null).statusCode()).isEqualTo(200);
        }
        Scu.echo(node.dicomPort);
    }

    @Test
    void badSettingsAreRefusedAndChangeNothing() throws Exception {
        String before = send("GET", "/admin/settings", null).body();
        for (String[] bad : List.of(
                new String[] {"noSuchSetting", "{\"value\": true}"},
                new String[] {"duplicatePolicy", "{\"value\": \"SOMETIMES\"}"},
                new String[] {"duplicatePolicy", "{\"value\": 3}"},
                new String[] {"duplicatePolicy", "{}"},
                new String[] {"fuzzyPersonNameMatching", "{\"value\": \"yes\"}"},
                new String[] {"acceptedCallingAETitles", "{\"value\": [\"A\\\\B\"]}"},
                new String[] {"acceptedCallingAETitles", "not json"})) {
            HttpResponse<String> r = send("PUT", "/admin/settings/" + bad[0], bad[1]);
            assertThat(r.statusCode()).as("PUT %s %s: %s", bad[0], bad[1], r.body()).isEqualTo(400);
        }
        assertThat(send("GET", "/admin/settings", null).body()).isEqualTo(before);
        assertThat(send("DELETE", "/admin/settings/noSuchSetting", null).statusCode()).isEqualTo(400);
    }

    @Test
    void aNodeAloneOwnsItsJobs() throws Exception {
        JsonObject c = new JsonObject(send("GET", "/admin/cluster", null).body());
        assertThat(c.getJsonArray("members")).hasSize(1);
        assertThat(c.getJsonArray("ownedHere")).containsExactly("orphan-sweeper");
        assertThat(node.metric("miroir_cluster_job_owned")).isEqualTo(1.0);
    }
}
