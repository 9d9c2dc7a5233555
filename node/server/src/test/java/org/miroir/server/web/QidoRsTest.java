package org.miroir.server.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.testing.SyntheticStudies;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** QIDO-RS on Miroir alone, checked against the generator's own list: paging, empty answers, return attributes. */
@Timeout(120)
class QidoRsTest {
    @TempDir
    static Path dir;
    static WebNode node;
    static final SyntheticStudies GEN = SyntheticStudies.builder().seed(99).patients(3).studiesPerPatient(3)
            .seriesPerStudy(2).instancesPerSeries(1).rows(8).columns(8).modalities("MR", "CT").build();

    @BeforeAll
    static void start() throws Exception {
        node = WebNode.start(dir.resolve("data"));
        assertThat(node.stow("/dicom-web/studies", GEN.writeAll(dir.resolve("in"), UID.ExplicitVRLittleEndian))
                .statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
    }

    @Test
    void noMatchIs200WithAnEmptyArray() throws Exception {
        HttpResponse<byte[]> r = node.get("/dicom-web/studies?PatientID=NOBODY", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/dicom+json");
        assertThat(WebNode.jsonArray(r)).isEmpty();
    }

    @Test
    void pagesCoverEveryMatchOnceAndSayWhenCut() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int offset = 0; offset < 9; offset += 4) {
            HttpResponse<byte[]> r = node.get("/dicom-web/studies?limit=4&offset=" + offset, null);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonArray page = WebNode.jsonArray(r);
            assertThat(page).hasSize(offset < 8 ? 4 : 1);
            assertThat(r.headers().firstValue("Warning").isPresent()).isEqualTo(offset < 8);
            for (int i = 0; i < page.size(); i++) assertThat(seen.add(uid(page.getJsonObject(i), "0020000D"))).isTrue();
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(GEN.studies().stream()
                .map(SyntheticStudies.Study::studyInstanceUid).toList());
    }

    @Test
    void defaultAndRequestedAttributesAndRetrieveUrls() throws Exception {
        SyntheticStudies.Study st = GEN.studies().get(4);
        HttpResponse<byte[]> r = node.get("/dicom-web/studies?StudyInstanceUID=" + st.studyInstanceUid(), null);
        JsonObject m = WebNode.jsonArray(r).getJsonObject(0);
        assertThat(m.fieldNames()).contains("00080020", "00080030", "00080050", "00080061", "00080090", "00081190",
                "00100010", "00100020", "00100030", "00100040", "0020000D", "00200010", "00201206", "00201208");
        assertThat(m.getJsonObject("00081190").getJsonArray("Value").getString(0))
                .isEqualTo(node.base + "/dicom-web/studies/" + st.studyInstanceUid());
        assertThat(m.getJsonObject("00201206").getJsonArray("Value").getInteger(0)).isEqualTo(2);
        assertThat(m.getJsonObject("00080061").getJsonArray("Value")).containsExactlyInAnyOrder("CT", "MR");
        assertThat(m.getJsonObject("00100010").getJsonArray("Value").getJsonObject(0).getString("Alphabetic"))
                .isEqualTo(st.patient().patientName());

        SyntheticStudies.Series se = GEN.series().stream().filter(s -> s.study() == st).findFirst().orElseThrow();
        JsonObject series = WebNode.jsonArray(node.get("/dicom-web/studies/" + st.studyInstanceUid()
                + "/series?SeriesInstanceUID=" + se.seriesInstanceUid() + "&includefield=all", null)).getJsonObject(0);
        assertThat(uid(series, "00180015")).isEqualTo(se.bodyPart());
        assertThat(uid(series, "0008103E")).isEqualTo(se.description());
        assertThat(uid(series, "00081190")).endsWith("/studies/" + st.studyInstanceUid() + "/series/" + se.seriesInstanceUid());

        JsonArray unscoped = WebNode.jsonArray(node.get("/dicom-web/instances?SeriesInstanceUID=" + se.seriesInstanceUid()
                + "&includefield=00280010,Columns", null));
        assertThat(unscoped).hasSize(1);
        JsonObject inst = unscoped.getJsonObject(0);
        // Unscoped instance searches carry the study and series defaults too (PS3.18 10.6.3).
        assertThat(inst.fieldNames()).contains("00100020", "0020000D", "00080060", "0020000E", "00080018", "00080016",
                "00280010", "00280011", "00081190");
        assertThat(inst.getJsonObject("00280010").getJsonArray("Value").getInteger(0)).isEqualTo(8);
        List<String> listed = List.of(GEN.studies().get(0).studyInstanceUid(), GEN.studies().get(8).studyInstanceUid());
        JsonArray byList = WebNode.jsonArray(node.get("/dicom-web/studies?StudyInstanceUID=" + String.join(",", listed), null));
        Set<String> got = new HashSet<>();
        for (int i = 0; i < byList.size(); i++) got.add(uid(byList.getJsonObject(i), "0020000D"));
        assertThat(got).containsExactlyInAnyOrderElementsOf(listed);
    }

    private static String uid(JsonObject m, String tag) {
        return m.getJsonObject(tag).getJsonArray("Value").getString(0);
    }
}
