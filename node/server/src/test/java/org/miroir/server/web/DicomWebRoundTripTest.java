package org.miroir.server.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Fragments;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.testing.DatasetAssert;
import org.miroir.dicom.testing.PydicomCorpus;
import org.miroir.dicom.testing.SyntheticStudies;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * STOW-RS, then WADO-RS, WADO-URI and metadata against the same data: objects come back byte for byte (and element
 * by element), metadata agrees with pydicom's own DICOM JSON of each file, frames equal the source's pixel data
 * slices or fragments, deletion removes what it names.
 */
@Timeout(300)
class DicomWebRoundTripTest {
    /** Pydicom files with distinct SOP Instance UIDs covering the encodings WADO must slice. */
    static final List<String> CORPUS = List.of("CT_small.dcm", "MR_small.dcm", "JPEG2000.dcm", "JPEG-lossy.dcm",
            "SC_rgb_rle_2frame.dcm", "ExplVR_BigEnd.dcm", "image_dfl.dcm",
            "SC_ybr_full_422_uncompressed.dcm", "liver_1frame.dcm", "test-SR.dcm", "waveform_ecg.dcm",
            "693_J2KI.dcm", "GDCMJ2K_TextGBR.dcm", "SC_rgb_small_odd.dcm");

    @TempDir
    static Path dir;
    static WebNode node;
    static SyntheticStudies gen;
    static Map<String, Path> synthetic = new HashMap<>();
    /** rtdose.dcm (15 native frames, implicit VR) with its meta header's SOP Instance UID made to agree. */
    static Path rtdose;

    @BeforeAll
    static void start() throws Exception {
        PydicomCorpus.assumeInstalled();
        node = WebNode.start(dir.resolve("data"));
        rtdose = fixedRtDose(dir.resolve("rtdose.dcm"));
        HttpResponse<byte[]> r = node.stow("/dicom-web/studies", corpus());
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        JsonObject body = WebNode.json(r);
        assertThat(body.getJsonObject("00081199").getJsonArray("Value")).hasSize(CORPUS.size() + 1);
        assertThat(body.containsKey("00081198")).isFalse();

        gen = SyntheticStudies.builder().seed(7).patients(2).studiesPerPatient(1).seriesPerStudy(2)
                .instancesPerSeries(2).rows(32).columns(32).build();
        List<Path> files = gen.writeAll(dir.resolve("synthetic"), UID.ExplicitVRLittleEndian);
        for (int i = 0; i < files.size(); i++) synthetic.put(gen.instances().get(i).sopInstanceUid(), files.get(i));
        for (SyntheticStudies.Study st : gen.studies()) {
            List<Path> ofStudy = gen.instances().stream().filter(i -> i.study() == st)
                    .map(i -> synthetic.get(i.sopInstanceUid())).toList();
            HttpResponse<byte[]> s = node.stow("/dicom-web/studies/" + st.studyInstanceUid(), ofStudy);
            assertThat(s.statusCode()).as(new String(s.body())).isEqualTo(200);
            assertThat(WebNode.json(s).getJsonObject("00081190").getJsonArray("Value").getString(0))
                    .isEqualTo(node.base + "/dicom-web/studies/" + st.studyInstanceUid());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
    }

    static List<Path> corpus() {
        List<Path> files = new ArrayList<>(CORPUS.stream().map(PydicomCorpus.TEST_FILES::resolve).toList());
        files.add(rtdose);
        return files;
    }

    /**
     * pydicom's rtdose.dcm names another SOP Instance UID in its meta header than in its data set (the store path
     * rightly refuses it with 0xA900): a copy with the two agreeing.
     */
    static Path fixedRtDose(Path target) throws IOException {
        try (DicomInputStream in = new DicomInputStream(Files.newInputStream(PydicomCorpus.TEST_FILES.resolve("rtdose.dcm")))) {
            Attributes data = in.readDataset();
            Attributes fmi = org.miroir.dicom.io.FileMetaInformation.create(data.getString(Tag.SOPInstanceUID),
                    data.getString(Tag.SOPClassUID), in.getTransferSyntax());
            try (var out = Files.newOutputStream(target)) {
                new org.miroir.dicom.io.DicomOutputStream(out, in.getTransferSyntax()).writeDataset(fmi, data);
            }
        }
        return target;
    }

    static Attributes read(byte[] part10) throws IOException {
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(part10))) {
            return in.readDataset();
        }
    }

    static Attributes read(Path file) throws IOException {
        return read(Files.readAllBytes(file));
    }

    static String instancePath(Attributes a) {
        return "/dicom-web/studies/" + a.getString(Tag.StudyInstanceUID) + "/series/" + a.getString(Tag.SeriesInstanceUID)
                + "/instances/" + a.getString(Tag.SOPInstanceUID);
    }

    @Test
    void corpusInstancesComeBackAsStored() throws Exception {
        for (Path f : corpus()) {
            Attributes src = read(f);
            HttpResponse<byte[]> r = node.get(instancePath(src), "multipart/related; type=\"application/dicom\"");
            assertThat(r.statusCode()).as(f.toString()).isEqualTo(200);
            List<WebNode.Part> parts = WebNode.parts(r);
            assertThat(parts).as(f.toString()).hasSize(1);
            assertThat(MediaType.parse(parts.get(0).contentType()).is("application/dicom")).isTrue();
            assertThat(parts.get(0).body()).as(f.toString()).isEqualTo(Files.readAllBytes(f));
            DatasetAssert.assertDatasetsEqual(src, read(parts.get(0).body()));
        }
    }

    @Test
    void syntheticStudiesAndSeriesComeBackWhole() throws Exception {
        for (SyntheticStudies.Study st : gen.studies()) {
            HttpResponse<byte[]> r = node.get("/dicom-web/studies/" + st.studyInstanceUid(), null);
            assertThat(r.statusCode()).isEqualTo(200);
            List<WebNode.Part> parts = WebNode.parts(r);
            List<SyntheticStudies.Instance> expected = gen.instances().stream().filter(i -> i.study() == st).toList();
            assertThat(parts).hasSize(expected.size());
            for (WebNode.Part p : parts) {
                Attributes got = read(p.body());
                Path source = synthetic.get(got.getString(Tag.SOPInstanceUID));
                assertThat(source).isNotNull();
                DatasetAssert.assertDatasetsEqual(read(source), got);
                assertThat(p.body()).isEqualTo(Files.readAllBytes(source));
            }
        }
        SyntheticStudies.Series se = gen.series().get(1);
        HttpResponse<byte[]> r = node.get("/dicom-web/studies/" + se.study().studyInstanceUid() + "/series/"
                + se.seriesInstanceUid(), "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(WebNode.parts(r)).hasSize(2).allSatisfy(p -> assertThat(read(p.body()).getString(Tag.SeriesInstanceUID))
                .isEqualTo(se.seriesInstanceUid()));
    }

    @Test
    void wadoUriReturnsTheObject() throws Exception {
        Path f = PydicomCorpus.TEST_FILES.resolve("CT_small.dcm");
        Attributes a = read(f);
        HttpResponse<byte[]> r = node.get("/wado?requestType=WADO&studyUID=" + a.getString(Tag.StudyInstanceUID)
                + "&seriesUID=" + a.getString(Tag.SeriesInstanceUID) + "&objectUID=" + a.getString(Tag.SOPInstanceUID)
                + "&contentType=application/dicom", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/dicom");
        assertThat(r.body()).isEqualTo(Files.readAllBytes(f));
        HttpResponse<byte[]> jpeg = node.get("/wado?requestType=WADO&studyUID=" + a.getString(Tag.StudyInstanceUID)
                + "&seriesUID=" + a.getString(Tag.SeriesInstanceUID) + "&objectUID=" + a.getString(Tag.SOPInstanceUID), null);
        assertThat(jpeg.statusCode()).isEqualTo(406);
        HttpResponse<byte[]> missing = node.get("/wado?requestType=WADO&studyUID=1.2.3&seriesUID=1.2.3&objectUID=1.2.3"
                + "&contentType=application/dicom", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(node.get("/wado?requestType=WADO&studyUID=x", null).statusCode()).isEqualTo(400);
    }

    @Test
    void unknownUidsAre404AndUnacceptableTypes406() throws Exception {
        assertThat(node.get("/dicom-web/studies/1.2.3.4", null).statusCode()).isEqualTo(404);
        assertThat(node.get("/dicom-web/studies/1.2.3.4/metadata", null).statusCode()).isEqualTo(404);
        assertThat(node.get("/dicom-web/studies/1.2.3.4/series/5.6/instances/7.8/frames/1", null).statusCode()).isEqualTo(404);
        Attributes ct = read(PydicomCorpus.TEST_FILES.resolve("CT_small.dcm"));
        assertThat(node.get(instancePath(ct), "application/pdf").statusCode()).isEqualTo(406);
        assertThat(node.get(instancePath(ct), "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50")
                .statusCode()).isEqualTo(406);
        assertThat(node.get(instancePath(ct) + "/metadata", "application/dicom+xml").statusCode()).isEqualTo(406);
        assertThat(node.get(instancePath(ct) + "/frames/2", null).statusCode()).isEqualTo(404);
        assertThat(node.get(instancePath(ct) + "/frames/x", null).statusCode()).isEqualTo(400);
        assertThat(node.get("/dicom-web/studies/not-a-uid", null).statusCode()).isEqualTo(400);
    }

    // ------------------------------------------------------------------ frames

    @Test
    void framesOfNativeMultiFrameEqualPixelDataSlices() throws Exception {
        for (Path file : List.of(rtdose, PydicomCorpus.TEST_FILES.resolve("SC_ybr_full_422_uncompressed.dcm"),
                PydicomCorpus.TEST_FILES.resolve("ExplVR_BigEnd.dcm"), PydicomCorpus.TEST_FILES.resolve("image_dfl.dcm"))) {
            String name = file.getFileName().toString();
            Attributes src = read(file);
            byte[] pixels = src.getBytes(Tag.PixelData);
            int frames = Math.max(1, src.getInt(Tag.NumberOfFrames, 1));
            int frameLength = pixels.length / frames;
            int[] wanted = frames >= 3 ? new int[] {1, 3, frames} : new int[] {1};
            HttpResponse<byte[]> r = node.get(instancePath(src) + "/frames/" + String.join(",",
                    Arrays.stream(wanted).mapToObj(Integer::toString).toList()), "multipart/related; type=application/octet-stream");
            assertThat(r.statusCode()).as(name + new String(r.body())).isEqualTo(200);
            List<WebNode.Part> parts = WebNode.parts(r);
            assertThat(parts).hasSize(wanted.length);
            for (int k = 0; k < wanted.length; k++) {
                assertThat(MediaType.parse(parts.get(k).contentType()).is("application/octet-stream")).isTrue();
                assertThat(parts.get(k).body()).as(name + " frame " + wanted[k])
                        .isEqualTo(Arrays.copyOfRange(pixels, (wanted[k] - 1) * frameLength, wanted[k] * frameLength));
            }
        }
    }

    @Test
    void framesOfEncapsulatedPixelDataEqualTheFragments() throws Exception {
        for (String name : List.of("SC_rgb_rle_2frame.dcm", "JPEG2000.dcm", "JPEG-lossy.dcm", "693_J2KI.dcm")) {
            Attributes src = read(PydicomCorpus.TEST_FILES.resolve(name));
            Fragments f = src.getFragments(Tag.PixelData);
            int frames = Math.max(1, src.getInt(Tag.NumberOfFrames, 1));
            List<byte[]> expected = new ArrayList<>();
            if (frames == 1) expected.add(concat(f.subList(1, f.size())));
            else for (int i = 1; i < f.size(); i++) expected.add((byte[]) f.get(i));
            assertThat(expected).hasSize(frames);
            String list = String.join(",", java.util.stream.IntStream.rangeClosed(1, frames).mapToObj(Integer::toString).toList());
            HttpResponse<byte[]> r = node.get(instancePath(src) + "/frames/" + list, "multipart/related; type=\"*/*\"");
            assertThat(r.statusCode()).as(name + new String(r.body())).isEqualTo(200);
            List<WebNode.Part> parts = WebNode.parts(r);
            assertThat(parts).hasSize(frames);
            String ts = new DicomInputStream(Files.newInputStream(PydicomCorpus.TEST_FILES.resolve(name))).getTransferSyntax();
            for (int k = 0; k < frames; k++) {
                assertThat(parts.get(k).body()).as(name + " frame " + (k + 1)).isEqualTo(expected.get(k));
                assertThat(MediaType.parse(parts.get(k).contentType()).parameter("transfer-syntax")).isEqualTo(ts);
            }
            // No decompression: asking for uncompressed frames of a compressed instance is refused.
            assertThat(node.get(instancePath(src) + "/frames/1", "multipart/related; type=application/octet-stream")
                    .statusCode()).isEqualTo(406);
        }
    }

    static byte[] concat(List<Object> fragments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object o : fragments) out.writeBytes((byte[]) o);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ metadata

    /** pydicom's own DICOM JSON of each file; binary values as "RAW:" + base64, encapsulated pixel data as fragments. */
    static final String PYDICOM_JSON = String.join("\n",
            "import sys, json, base64, pydicom",
            "from pydicom.encaps import get_frame_offsets, generate_pixel_data_fragment",
            "from pydicom.filebase import DicomBytesIO",
            "out = {}",
            "for path in sys.argv[1:]:",
            "    ds = pydicom.dcmread(path)",
            "    def handler(elem):",
            "        v = elem.value",
            "        if elem.tag == 0x7FE00010 and ds.file_meta.TransferSyntaxUID.is_compressed:",
            "            fp = DicomBytesIO(v); fp.is_little_endian = True",
            "            get_frame_offsets(fp)",
            "            return 'FRAGS:' + base64.b64encode(b''.join(generate_pixel_data_fragment(fp))).decode()",
            "        return 'RAW:' + base64.b64encode(v).decode()",
            "    out[path] = ds.to_json_dict(bulk_data_threshold=0, bulk_data_element_handler=handler)",
            "print(json.dumps(out))");

    @Test
    void metadataAgreesWithPydicom() throws Exception {
        List<Path> files = corpus();
        JsonObject oracle = new JsonObject(PydicomCorpus.python(PYDICOM_JSON,
                files.stream().map(Path::toString).toArray(String[]::new)));
        for (Path f : files) {
            Attributes src = read(f);
            HttpResponse<byte[]> r = node.get(instancePath(src) + "/metadata", "application/dicom+json");
            assertThat(r.statusCode()).isEqualTo(200);
            JsonArray arr = WebNode.jsonArray(r);
            assertThat(arr).hasSize(1);
            boolean bigEndian = UID.ExplicitVRBigEndian.equals(
                    new DicomInputStream(Files.newInputStream(f)).getTransferSyntax());
            List<String> diffs = new ArrayList<>();
            compare(f.getFileName().toString(), oracle.getJsonObject(f.toString()), arr.getJsonObject(0), bigEndian, diffs);
            assertThat(diffs).as(f.getFileName().toString()).isEmpty();
        }
    }

    /** Study-level metadata: one object per instance of the study. */
    @Test
    void studyMetadataListsEveryInstance() throws Exception {
        SyntheticStudies.Study st = gen.studies().get(0);
        HttpResponse<byte[]> r = node.get("/dicom-web/studies/" + st.studyInstanceUid() + "/metadata", null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonArray arr = WebNode.jsonArray(r);
        Set<String> uids = new java.util.HashSet<>();
        for (int i = 0; i < arr.size(); i++)
            uids.add(arr.getJsonObject(i).getJsonObject("00080018").getJsonArray("Value").getString(0));
        assertThat(uids).containsExactlyInAnyOrderElementsOf(gen.instances().stream().filter(i -> i.study() == st)
                .map(SyntheticStudies.Instance::sopInstanceUid).toList());
    }

    private void compare(String where, JsonObject expected, JsonObject actual, boolean bigEndian, List<String> diffs)
            throws Exception {
        for (String key : expected.fieldNames()) {
            if (key.endsWith("0000")) continue; // group lengths describe an encoding: Miroir leaves them out
            JsonObject e = expected.getJsonObject(key), a = actual.getJsonObject(key);
            String at = where + " " + key;
            if (a == null) {
                diffs.add(at + ": missing");
                continue;
            }
            String ev = e.getString("vr"), av = a.getString("vr");
            if (!ev.equals(av) && !Set.of(ev, av).equals(Set.of("OB", "OW")) && !Set.of(ev, av).equals(Set.of("US", "SS")))
                diffs.add(at + ": vr " + av + ", pydicom " + ev);
            if (ev.equals("SQ")) {
                JsonArray ei = e.getJsonArray("Value", new JsonArray()), ai = a.getJsonArray("Value", new JsonArray());
                if (ei.size() != ai.size()) diffs.add(at + ": " + ai.size() + " items, pydicom " + ei.size());
                else for (int k = 0; k < ei.size(); k++) compare(at + "[" + k + "]", ei.getJsonObject(k), ai.getJsonObject(k), bigEndian, diffs);
                continue;
            }
            String raw = e.getString("BulkDataURI");
            if (raw != null) {
                byte[] want;
                byte[] got = a.containsKey("InlineBinary") ? Base64.getDecoder().decode(a.getString("InlineBinary"))
                        : a.containsKey("BulkDataURI") ? fetchBulk(a.getString("BulkDataURI")) : null;
                if (raw.startsWith("FRAGS:")) {
                    want = Base64.getDecoder().decode(raw.substring(6));
                } else {
                    want = Base64.getDecoder().decode(raw.substring(4));
                    int width = switch (av) { case "OW", "US", "SS" -> 2; case "OF", "OL", "UL", "SL", "FL" -> 4; case "OD", "FD", "OV", "SV", "UV" -> 8; default -> 1; };
                    if (bigEndian && width > 1) swap(want, width); // pydicom keeps raw bytes as read
                }
                if (got == null || !Arrays.equals(want, got)) diffs.add(at + ": binary value differs (" + (got == null ? "absent" : got.length + " bytes") + ", pydicom " + want.length + ")");
                continue;
            }
            JsonArray evals = e.getJsonArray("Value"), avals = a.getJsonArray("Value");
            if (evals == null || evals.isEmpty()) {
                if (avals != null && avals.stream().anyMatch(v -> v != null && !"".equals(v)))
                    diffs.add(at + ": has values " + avals + ", pydicom none");
                continue;
            }
            if (avals == null && a.containsKey("BulkDataURI")) {
                String text = new String(fetchBulk(a.getString("BulkDataURI")), java.nio.charset.StandardCharsets.ISO_8859_1).strip();
                if (!text.equals(evals.getValue(0).toString().strip())) diffs.add(at + ": bulk text differs");
                continue;
            }
            if (avals == null || avals.size() != evals.size()) {
                diffs.add(at + ": values " + avals + ", pydicom " + evals);
                continue;
            }
            for (int k = 0; k < evals.size(); k++) {
                Object x = evals.getValue(k), y = avals.getValue(k);
                if (!sameValue(x, y)) diffs.add(at + "[" + k + "]: " + y + ", pydicom " + x);
            }
        }
        for (String key : actual.fieldNames())
            if (!expected.containsKey(key)) diffs.add(where + " " + key + ": not in pydicom's JSON");
    }

    private static boolean sameValue(Object x, Object y) {
        if (x == null || "".equals(x)) return y == null || "".equals(y);
        if (x instanceof Number n && y instanceof Number m) {
            return new BigDecimal(n.toString()).compareTo(new BigDecimal(m.toString())) == 0
                    || Math.abs(n.doubleValue() - m.doubleValue()) <= 1e-6 * Math.abs(n.doubleValue());
        }
        if (x instanceof JsonObject p && y instanceof JsonObject q) {
            for (String g : List.of("Alphabetic", "Ideographic", "Phonetic"))
                if (!p.getString(g, "").equals(q.getString(g, ""))) return false;
            return true;
        }
        return x.toString().strip().equals(y.toString().strip());
    }

    private static void swap(byte[] b, int width) {
        for (int i = 0; i + width <= b.length; i += width)
            for (int k = 0; k < width / 2; k++) {
                byte t = b[i + k];
                b[i + k] = b[i + width - 1 - k];
                b[i + width - 1 - k] = t;
            }
    }

    /** The bytes behind a BulkDataURI: the concatenated parts of its multipart answer. */
    private byte[] fetchBulk(String uri) throws Exception {
        URI u = URI.create(uri);
        HttpResponse<byte[]> r = node.get(u.getRawPath(), null);
        assertThat(r.statusCode()).as(uri).isEqualTo(200);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (WebNode.Part p : WebNode.parts(r)) out.writeBytes(p.body());
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ deletion

    @Test
    void deletionRemovesWhatItNames() throws Exception {
        SyntheticStudies own = SyntheticStudies.builder().seed(8).patients(1).studiesPerPatient(1).seriesPerStudy(2)
                .instancesPerSeries(2).rows(8).columns(8).build();
        assertThat(node.stow("/dicom-web/studies", own.writeAll(dir.resolve("deleted"), UID.ExplicitVRLittleEndian))
                .statusCode()).isEqualTo(200);
        SyntheticStudies.Study st = own.studies().get(0);
        SyntheticStudies.Series se = own.series().get(0);
        String seriesPath = "/dicom-web/studies/" + st.studyInstanceUid() + "/series/" + se.seriesInstanceUid();
        assertThat(node.delete(seriesPath).statusCode()).isEqualTo(204);
        assertThat(node.get(seriesPath, null).statusCode()).isEqualTo(404);
        assertThat(node.delete(seriesPath).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> rest = node.get("/dicom-web/studies/" + st.studyInstanceUid(), null);
        assertThat(rest.statusCode()).isEqualTo(200);
        assertThat(WebNode.parts(rest)).hasSize(2);
        assertThat(node.delete("/dicom-web/studies/" + st.studyInstanceUid()).statusCode()).isEqualTo(204);
        assertThat(node.get("/dicom-web/studies/" + st.studyInstanceUid(), null).statusCode()).isEqualTo(404);
        assertThat(node.delete("/dicom-web/studies/" + st.studyInstanceUid() + "/series/1.2/instances/3.4").statusCode())
                .isEqualTo(404);
    }
}
