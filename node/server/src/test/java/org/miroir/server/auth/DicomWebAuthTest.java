package org.miroir.server.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.server.web.DicomWebClient;
import org.miroir.server.web.WebNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DICOMweb and the admin API behind bearer tokens, on an in-process node trusting a test identity provider: no
 * token, a forged, expired, unsigned or foreign one is 401; every route is tried with a token of each role (and one
 * with no role), and answers 403 exactly where the role table says; a referring physician sees and reads only the
 * study naming it (or listed in its token).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DicomWebAuthTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String DICOM = "application/dicom";
    @TempDir
    static Path tmp;
    static Tokens idp;
    static WebNode node;
    static SyntheticStudies data;
    static SyntheticStudies.Instance a, b;
    static byte[] stowBody;

    /** The callers of the table: one token per role, one with no role. */
    enum Caller {
        RADIOLOGIST(Role.RADIOLOGIST), TECHNOLOGIST(Role.TECHNOLOGIST), REFERRING(Role.REFERRING_PHYSICIAN),
        ADMINISTRATOR(Role.ADMINISTRATOR), NO_ROLE(null);

        final Role role;

        Caller(Role role) {
            this.role = role;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        idp = Tokens.create(tmp, "idp");
        node = WebNode.start(tmp.resolve("data"), new JsonObject().put("auth", idp.authSection()));
        data = SyntheticStudies.builder().seed(8).patients(2).studiesPerPatient(1).seriesPerStudy(1)
                .instancesPerSeries(1).rows(8).columns(8).build();
        a = data.instances().get(0);
        b = data.instances().get(1);
        assertThat(a.study().referringPhysician()).as("the two studies name different physicians")
                .isNotEqualTo(b.study().referringPhysician());
        List<byte[]> parts = new ArrayList<>();
        for (Path f : data.writeAll(Files.createDirectories(tmp.resolve("files")), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid()))
            parts.add(Files.readAllBytes(f));
        stowBody = DicomWebClient.multipart("b0undary", parts, DICOM);
        HttpResponse<String> stored = send("POST", "/dicom-web/studies", idp.token("tech", "technologist"), stowBody);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
    }

    static HttpResponse<String> send(String method, String path, String token, byte[] body) throws Exception {
        HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create(node.base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) rq.header("Authorization", "Bearer " + token);
        if (body != null) rq.header("Content-Type", path.startsWith("/admin") ? "application/json"
                : "multipart/related; type=\"application/dicom\"; boundary=b0undary");
        return HTTP.send(rq.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String token(Caller c) {
        JsonObject claims = Tokens.claims(c.name().toLowerCase(), c.role == null ? new String[0] : new String[]{c.role.key()});
        if (c == Caller.REFERRING) claims.put("referring_physician_name", a.study().referringPhysician());
        return idp.sign(claims);
    }

    private record Route(String method, String path, byte[] body, Set<Caller> allowed) {}

    private static Set<Caller> of(Caller... c) {
        return c.length == 0 ? EnumSet.noneOf(Caller.class) : EnumSet.of(c[0], c);
    }

    /** Every route of the HTTP listener, and who may use it (a referring physician: on its own study). */
    private static List<Route> routes() {
        String sa = a.study().studyInstanceUid(), sea = a.series().seriesInstanceUid(), ia = a.sopInstanceUid();
        String sb = b.study().studyInstanceUid();
        String instanceA = "/dicom-web/studies/" + sa + "/series/" + sea + "/instances/" + ia;
        Set<Caller> readers = of(Caller.RADIOLOGIST, Caller.REFERRING);
        Set<Caller> radiologist = of(Caller.RADIOLOGIST);
        Set<Caller> admin = of(Caller.ADMINISTRATOR);
        Set<Caller> everyone = EnumSet.allOf(Caller.class);
        byte[] ae = new JsonObject().put("host", "127.0.0.1").put("port", 104).encode().getBytes();
        byte[] value = new JsonObject().put("value", true).encode().getBytes();
        return List.of(
                new Route("GET", "/health/live", null, everyone),
                new Route("GET", "/health/ready", null, everyone),
                new Route("GET", "/metrics", null, everyone),
                new Route("GET", "/dicom-web/studies", null, readers),
                new Route("GET", "/dicom-web/series", null, radiologist),
                new Route("GET", "/dicom-web/instances", null, radiologist),
                new Route("GET", "/dicom-web/studies/" + sa + "/series", null, readers),
                new Route("GET", "/dicom-web/studies/" + sa + "/instances", null, readers),
                new Route("GET", "/dicom-web/studies/" + sa + "/series/" + sea + "/instances", null, readers),
                new Route("GET", "/dicom-web/studies/" + sa, null, readers),
                new Route("GET", "/dicom-web/studies/" + sa + "/metadata", null, readers),
                new Route("GET", "/dicom-web/studies/" + sa + "/series/" + sea, null, readers),
                new Route("GET", "/dicom-web/studies/" + sa + "/series/" + sea + "/metadata", null, readers),
                new Route("GET", instanceA, null, readers),
                new Route("GET", instanceA + "/metadata", null, readers),
                new Route("GET", instanceA + "/frames/1", null, readers),
                new Route("GET", instanceA + "/bulkdata/7FE00010", null, readers),
                new Route("GET", "/wado?requestType=WADO&studyUID=" + sa + "&seriesUID=" + sea + "&objectUID=" + ia
                        + "&contentType=application/dicom", null, readers),
                new Route("GET", "/dicom-web/studies/" + sb + "/metadata", null, radiologist),
                new Route("POST", "/dicom-web/studies", stowBody, of(Caller.TECHNOLOGIST)),
                new Route("POST", "/dicom-web/studies/" + sa, stowBody, of(Caller.TECHNOLOGIST)),
                new Route("DELETE", "/dicom-web/studies/1.2.3.999", null, admin),
                new Route("DELETE", "/dicom-web/studies/" + sa + "/series/1.2.3.999", null, admin),
                new Route("DELETE", "/dicom-web/studies/" + sa + "/series/" + sea + "/instances/1.2.3.999", null, admin),
                new Route("GET", "/admin/ae", null, admin),
                new Route("PUT", "/admin/ae/TABLE_AE", ae, admin),
                new Route("DELETE", "/admin/ae/NO_SUCH_AE", null, admin),
                new Route("GET", "/admin/settings", null, admin),
                new Route("PUT", "/admin/settings/fuzzyPersonNameMatching", value, admin),
                new Route("DELETE", "/admin/settings/fuzzyPersonNameMatching", null, admin),
                new Route("GET", "/admin/cluster", null, admin),
                new Route("POST", "/admin/orphan-sweep", null, admin),
                new Route("GET", "/admin/dr", null, admin),
                new Route("GET", "/admin/dr/tail", null, admin),
                new Route("POST", "/admin/dr/verify", null, admin),
                new Route("POST", "/admin/dr/release", null, admin),
                new Route("POST", "/admin/dr/claim", null, admin),
                new Route("POST", "/admin/dr/become-mirror", null, admin),
                new Route("POST", "/admin/dr/drill", "{}".getBytes(), admin),
                new Route("GET", "/no/such/route", null, admin));
    }

    @Test
    void everyRouteAnswersEachRoleAsTheTableSays() throws Exception {
        Map<String, String> wrong = new LinkedHashMap<>();
        for (Route r : routes()) {
            for (Caller c : Caller.values()) {
                HttpResponse<String> rs = send(r.method(), r.path(), token(c), r.body());
                boolean refused = rs.statusCode() == 403;
                if (rs.statusCode() == 401 || refused == r.allowed().contains(c))
                    wrong.put(r.method() + " " + r.path() + " as " + c, rs.statusCode() + " " + rs.body());
            }
        }
        assertThat(wrong).as("routes answering a role against the table").isEmpty();
    }

    @Test
    void requestsWithoutAGoodTokenAre401() throws Exception {
        Tokens other = Tokens.create(tmp, "other");
        JsonObject expired = Tokens.claims("rad", "radiologist").put("exp", Instant.now().getEpochSecond() - 3600);
        JsonObject foreignAudience = Tokens.claims("rad", "radiologist").put("aud", "another-service");
        JsonObject foreignIssuer = Tokens.claims("rad", "radiologist").put("iss", "https://elsewhere.test");
        JsonObject noExpiry = Tokens.claims("rad", "radiologist");
        noExpiry.remove("exp");
        String unsigned = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
                + b64(Tokens.claims("rad", "radiologist").encode()) + ".";
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("another key's signature", other.token("rad", "radiologist"));
        tokens.put("expired", idp.sign(expired));
        tokens.put("another audience", idp.sign(foreignAudience));
        tokens.put("another issuer", idp.sign(foreignIssuer));
        tokens.put("no expiry", idp.sign(noExpiry));
        tokens.put("unsigned", unsigned);
        tokens.put("garbage", "not.a.token");
        String good = idp.token("rad", "radiologist");
        tokens.put("tampered payload", good.substring(0, good.indexOf('.') + 1) + b64(Tokens.claims("rad",
                "radiologist", "administrator").encode()) + good.substring(good.lastIndexOf('.')));
        for (String path : List.of("/dicom-web/studies", "/admin/ae")) {
            HttpResponse<String> none = send("GET", path, null, null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            for (Map.Entry<String, String> t : tokens.entrySet())
                assertThat(send("GET", path, t.getValue(), null).statusCode()).as(t.getKey() + " on " + path).isEqualTo(401);
        }
        assertThat(send("GET", "/dicom-web/studies", good, null).statusCode()).as("the good token").isEqualTo(200);
    }

    @Test
    void aReferringPhysicianSeesOnlyItsStudies() throws Exception {
        String sa = a.study().studyInstanceUid(), sb = b.study().studyInstanceUid();
        JsonArray all = new JsonArray(send("GET", "/dicom-web/studies", idp.token("rad", "radiologist"), null).body());
        assertThat(all).hasSize(2);
        JsonArray own = new JsonArray(send("GET", "/dicom-web/studies", token(Caller.REFERRING), null).body());
        assertThat(own).hasSize(1);
        assertThat(own.getJsonObject(0).getJsonObject("0020000D").getJsonArray("Value").getString(0)).isEqualTo(sa);
        assertThat(send("GET", "/dicom-web/studies/" + sa + "/metadata", token(Caller.REFERRING), null).statusCode())
                .isEqualTo(200);
        assertThat(send("GET", "/dicom-web/studies/" + sb + "/metadata", token(Caller.REFERRING), null).statusCode())
                .isEqualTo(403);
        assertThat(send("GET", "/dicom-web/studies/1.2.3.404/metadata", token(Caller.REFERRING), null).statusCode())
                .as("an unknown study tells nothing either").isEqualTo(403);
        // The access list of the token opens study B too.
        JsonObject listed = Tokens.claims("ref2", "referring_physician").put("referring_physician_name", "Nobody^Here")
                .put("studies", new JsonArray().add(sb));
        String t = idp.sign(listed);
        assertThat(send("GET", "/dicom-web/studies/" + sb + "/metadata", t, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/dicom-web/studies/" + sa + "/metadata", t, null).statusCode()).isEqualTo(403);
        JsonArray listedSearch = new JsonArray(send("GET", "/dicom-web/studies", t, null).body());
        assertThat(listedSearch).hasSize(1);
        assertThat(listedSearch.getJsonObject(0).getJsonObject("0020000D").getJsonArray("Value").getString(0)).isEqualTo(sb);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes());
    }
}
