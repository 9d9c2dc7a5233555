package org.miroir.server.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.FileMetaInformation;
import org.miroir.dicom.testing.PydicomCorpus;
import org.miroir.dicom.testing.SyntheticStudies;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step 2 "Done when" 4, DICOMweb part: a broken multipart body (400), a non-DICOM part (415 when its Content-Type
 * says so; a failed entry, 409 alone, when it claims application/dicom), an instance without SOP Instance UID (409),
 * QIDO with malformed parameters (400). Each answer gives a reason, nothing partial is stored, and the node keeps
 * serving.
 */
@Timeout(180)
class DicomWebBadInputTest {
    @TempDir
    static Path dir;
    static WebNode node;
    static SyntheticStudies gen = SyntheticStudies.builder().seed(11).patients(1).studiesPerPatient(1).seriesPerStudy(1)
            .instancesPerSeries(3).rows(16).columns(16).build();
    /** Instances stored before the bad requests: what the index must still hold, exactly, after each. */
    static final int BASELINE = 1;

    @BeforeAll
    static void start() throws Exception {
        node = WebNode.start(dir.resolve("data"));
        HttpResponse<byte[]> r = node.stowBytes("/dicom-web/studies", List.of(instance(0)));
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
    }

    static byte[] instance(int i) throws IOException {
        return part10(gen.dataset(gen.instances().get(i)));
    }

    static byte[] part10(Attributes ds) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String iuid = ds.getString(Tag.SOPInstanceUID);
        new DicomOutputStream(out, UID.ExplicitVRLittleEndian).writeDataset(FileMetaInformation.create(
                iuid == null ? "1.2.3.4" : iuid, ds.getString(Tag.SOPClassUID), UID.ExplicitVRLittleEndian), ds);
        return out.toByteArray();
    }

    /** After every bad request: the node answers, and exactly the baseline instances are stored. */
    @AfterEach
    void nothingPartialStoredAndStillServing() throws Exception {
        assertThat(node.get("/health/live", null).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> all = node.get("/dicom-web/instances?includefield=00080018", "application/dicom+json");
        assertThat(all.statusCode()).isEqualTo(200);
        JsonArray arr = WebNode.jsonArray(all);
        assertThat(arr).hasSize(BASELINE);
        assertThat(arr.getJsonObject(0).getJsonObject("00080018").getJsonArray("Value").getString(0))
                .isEqualTo(gen.instances().get(0).sopInstanceUid());
        // Objects: nothing beyond the baseline's one file remains under the object store either.
        try (var files = Files.walk(dir.resolve("data"))) {
            assertThat(files.filter(Files::isRegularFile).filter(p -> p.toString().contains("objects")).count())
                    .isLessThanOrEqualTo(BASELINE);
        }
    }

    private static String reason(HttpResponse<byte[]> r) {
        return r.headers().firstValue("Warning").orElse("") + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void bodyTruncatedInTheSecondPartIs400AndTheFirstIsRemovedAgain() throws Exception {
        String b = "cut";
        byte[] whole = WebNode.multipart(b, List.of(instance(1), instance(2)), "application/dicom");
        byte[] cut = Arrays.copyOf(whole, whole.length - instance(2).length / 2);
        HttpResponse<byte[]> r = node.post("/dicom-web/studies", "multipart/related; type=\"application/dicom\"; boundary=" + b, cut);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(reason(r)).contains("truncated");
    }

    @Test
    void missingOrWrongBoundaryIs400() throws Exception {
        byte[] body = WebNode.multipart("right", List.of(instance(1)), "application/dicom");
        HttpResponse<byte[]> none = node.post("/dicom-web/studies", "multipart/related; type=\"application/dicom\"", body);
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(reason(none)).contains("boundary");
        HttpResponse<byte[]> wrong = node.post("/dicom-web/studies", "multipart/related; type=\"application/dicom\"; boundary=wrong", body);
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(reason(wrong)).contains("no boundary delimiter");
        HttpResponse<byte[]> empty = node.post("/dicom-web/studies", "multipart/related; boundary=x", "--x--\r\n".getBytes());
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(reason(empty)).contains("no parts");
    }

    @Test
    void nonDicomContentTypesAre415() throws Exception {
        byte[] body = WebNode.multipart("b", List.of(instance(1), "hello".getBytes()), "text/plain");
        HttpResponse<byte[]> typed = node.post("/dicom-web/studies", "multipart/related; boundary=b", body);
        assertThat(typed.statusCode()).isEqualTo(415);
        assertThat(reason(typed)).contains("text/plain");
        // The first part is DICOM and stored, the second is not: the request is refused whole.
        ByteArrayOutputStream mixed = new ByteArrayOutputStream();
        mixed.writeBytes(WebNode.multipart("m", List.of(instance(1)), "application/dicom"));
        byte[] m = mixed.toByteArray();
        String tail = "--m\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--m--\r\n";
        byte[] withPdf = new byte[m.length - "--m--\r\n".length() + tail.length()];
        System.arraycopy(m, 0, withPdf, 0, m.length - "--m--\r\n".length());
        System.arraycopy(tail.getBytes(StandardCharsets.ISO_8859_1), 0, withPdf, m.length - "--m--\r\n".length(), tail.length());
        HttpResponse<byte[]> partly = node.post("/dicom-web/studies", "multipart/related; boundary=m", withPdf);
        assertThat(partly.statusCode()).isEqualTo(415);
        assertThat(reason(partly)).contains("part 2").contains("application/pdf");
        HttpResponse<byte[]> json = node.post("/dicom-web/studies", "application/json", "{}".getBytes());
        assertThat(json.statusCode()).isEqualTo(415);
        HttpResponse<byte[]> metadata = node.post("/dicom-web/studies",
                "multipart/related; type=\"application/dicom+xml\"; boundary=b", body);
        assertThat(metadata.statusCode()).isEqualTo(415);
    }

    @Test
    void garbageClaimingToBeDicomIsAFailedEntry() throws Exception {
        HttpResponse<byte[]> r = node.stowBytes("/dicom-web/studies", List.of("not a DICOM file at all".getBytes()));
        assertThat(r.statusCode()).isEqualTo(409);
        JsonObject item = WebNode.json(r).getJsonObject("00081198").getJsonArray("Value").getJsonObject(0);
        assertThat(item.getJsonObject("00081197").getJsonArray("Value").getInteger(0)).isEqualTo(0xC000);
        assertThat(reason(r)).contains("C000");
    }

    @Test
    void instanceWithoutSopInstanceUidIs409() throws Exception {
        Attributes ds = gen.dataset(gen.instances().get(1));
        ds.remove(Tag.SOPInstanceUID);
        HttpResponse<byte[]> r = node.stowBytes("/dicom-web/studies", List.of(part10(ds)));
        assertThat(r.statusCode()).isEqualTo(409);
        JsonObject item = WebNode.json(r).getJsonObject("00081198").getJsonArray("Value").getJsonObject(0);
        assertThat(item.getJsonObject("00081197").getJsonArray("Value").getInteger(0)).isEqualTo(0xA900);
        assertThat(reason(r)).contains("missing SOP");
    }

    @Test
    void instanceOfAnotherStudyThanThePathIs409() throws Exception {
        HttpResponse<byte[]> r = node.stowBytes("/dicom-web/studies/1.2.3.999", List.of(instance(1)));
        assertThat(r.statusCode()).isEqualTo(409);
        JsonObject item = WebNode.json(r).getJsonObject("00081198").getJsonArray("Value").getJsonObject(0);
        assertThat(item.getJsonObject("00081197").getJsonArray("Value").getInteger(0)).isEqualTo(0xA900);
        assertThat(item.getJsonObject("00081155").getJsonArray("Value").getString(0)).isEqualTo(gen.instances().get(1).sopInstanceUid());
        assertThat(reason(r)).contains("Study Instance UID");
    }

    @Test
    void metaHeaderNamingAnotherInstanceIs409() throws Exception {
        // pydicom's rtdose.dcm: the meta header's SOP Instance UID is not the data set's.
        PydicomCorpus.assumeInstalled();
        HttpResponse<byte[]> r = node.stow("/dicom-web/studies", List.of(PydicomCorpus.TEST_FILES.resolve("rtdose.dcm")));
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(reason(r)).contains("A900");
    }

    @Test
    void clientThatStopsSendingLosesItsRequestAndNothingIsStored() throws Exception {
        // A body that ends early (the client closed its side): the same as truncation.
        byte[] whole = WebNode.multipart("z", List.of(instance(1)), "application/dicom");
        HttpResponse<byte[]> r = node.http.send(HttpRequest.newBuilder(URI.create(node.base + "/dicom-web/studies"))
                .timeout(WebNode.TIMEOUT).header("Content-Type", "multipart/related; boundary=z")
                .POST(HttpRequest.BodyPublishers.ofByteArray(whole, 0, 600)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void malformedQidoParametersAre400WithAReason() throws Exception {
        List<List<String>> cases = List.of(
                List.of("/dicom-web/studies?NoSuchAttribute=1", "unknown attribute"),
                List.of("/dicom-web/studies?StudyDate=2020-01-01-2021", "StudyDate"),
                List.of("/dicom-web/studies?StudyDate=2020O101", "StudyDate"),
                List.of("/dicom-web/studies?limit=ten", "limit"),
                List.of("/dicom-web/studies?limit=0", "limit"),
                List.of("/dicom-web/studies?offset=-1", "offset"),
                List.of("/dicom-web/studies?fuzzymatching=maybe", "fuzzymatching"),
                List.of("/dicom-web/studies?includefield=Nope", "unknown attribute"),
                List.of("/dicom-web/studies?StudyInstanceUID=1.2.*", "StudyInstanceUID"),
                List.of("/dicom-web/studies?Modality=CT", "SERIES-level"),
                List.of("/dicom-web/studies/not-a-uid/series", "not a UID"),
                List.of("/dicom-web/studies?PatientName=A&PatientName=B", "more than once"));
        for (List<String> c : cases) {
            HttpResponse<byte[]> r = node.get(c.get(0).replace("*", URLEncoder.encode("*", StandardCharsets.UTF_8)), null);
            assertThat(r.statusCode()).as(c.get(0)).isEqualTo(400);
            assertThat(reason(r)).as(c.get(0)).contains(c.get(1));
        }
        assertThat(node.get("/dicom-web/studies", "application/dicom+xml").statusCode()).isEqualTo(406);
    }
}
