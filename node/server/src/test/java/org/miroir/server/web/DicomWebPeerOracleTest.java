package org.miroir.server.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.testing.PydicomCorpus;
import org.miroir.dicom.testing.SyntheticStudies;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step 2 "Done when" 2: the same data set stored over STOW-RS in Orthanc (Debian's orthanc + orthanc-dicomweb) and
 * in Miroir; a table of QIDO-RS queries (wildcards, ranges, lists, includefield, every level, limit/offset, fuzzy
 * names) must give the same set of matches from both, and the same values of selected attributes. Differences the
 * standard allows are named in the table with their reason.
 *
 * <p>Orthanc 1.10.1 with DICOMweb 1.7 does not percent-decode QIDO parameter values ({@code PatientName=A%20B*} looks
 * for "A%20B"), so the table sends values that need no escaping (a {@code ?} wildcard stands for a space);
 * Miroir's decoding of escaped UTF-8 is checked against the generator's own list instead.
 */
@Timeout(600)
class DicomWebPeerOracleTest {
    @TempDir
    static Path dir;
    static WebNode miroir;
    static OrthancPeer orthanc;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WebNode.TIMEOUT).build();
    static final SyntheticStudies GEN = SyntheticStudies.builder().seed(20261123).patients(6).studiesPerPatient(2)
            .seriesPerStudy(2).instancesPerSeries(2).rows(16).columns(16).modalities("CT", "MR").build();
    static final List<String> CORPUS = List.of("CT_small.dcm", "MR_small.dcm", "JPEG2000.dcm", "liver_1frame.dcm",
            "test-SR.dcm", "waveform_ecg.dcm");

    @BeforeAll
    static void start() throws Exception {
        OrthancPeer.assumeInstalled();
        PydicomCorpus.assumeInstalled();
        miroir = WebNode.start(dir.resolve("miroir"));
        orthanc = OrthancPeer.start(dir.resolve("orthanc"));
        List<Path> files = new ArrayList<>(GEN.writeAll(dir.resolve("data"), UID.ExplicitVRLittleEndian));
        CORPUS.forEach(f -> files.add(PydicomCorpus.TEST_FILES.resolve(f)));
        for (String base : List.of(miroir.base, orthanc.base)) {
            for (int i = 0; i < files.size(); i += 10) {
                List<byte[]> parts = new ArrayList<>();
                for (Path f : files.subList(i, Math.min(files.size(), i + 10))) parts.add(Files.readAllBytes(f));
                String b = "oracle-boundary";
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/dicom-web/studies"))
                        .timeout(WebNode.TIMEOUT).header("Accept", "application/dicom+json")
                        .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + b)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(WebNode.multipart(b, parts, "application/dicom")))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(base + ": " + r.body()).isEqualTo(200);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (orthanc != null) orthanc.close();
        } finally {
            if (miroir != null) miroir.close();
        }
    }

    /** How two answers are compared. */
    enum Mode {
        /** Same set of matches. */
        SAME_SET,
        /**
         * Same number of matches, each a match of the query without limit/offset: PS3.18 defines no order of
         * results, so a page may hold different matches on two servers (allowed difference).
         */
        SAME_COUNT_OF_PAGE
    }

    /**
     * One row: the query, the UID that identifies a match, how answers compare, attributes whose values must agree,
     * and matches only Orthanc may return, with the reason the standard allows it.
     */
    record Query(String path, String uidTag, Mode mode, List<String> compared, Set<String> orthancOnly, String note) {
        Query(String path, String uidTag) {
            this(path, uidTag, Mode.SAME_SET, List.of(), Set.of(), "");
        }

        Query(String path, String uidTag, Mode mode, String note) {
            this(path, uidTag, mode, List.of(), Set.of(), note);
        }

        Query compare(String... tags) {
            return new Query(path, uidTag, mode, List.of(tags), orthancOnly, note);
        }

        Query allowOnlyInOrthanc(String uid, String reason) {
            return new Query(path, uidTag, mode, compared, Set.of(uid), reason);
        }
    }

    /** test-SR.dcm: its Study Date is empty. */
    static final String SR_STUDY = "1.2.276.0.7230010.3.1.4.2139363186.7819.982086466.2";
    static final String EMPTY_DATE_REASON = "test-SR.dcm has an empty Study Date: Orthanc compares the empty string as"
            + " lower than any date; PS3.4 C.2.2.2.5 defines range matching on values, and Miroir's query model lets an"
            + " empty value match universal matching only";

    static final String STUDY = "0020000D", SERIES = "0020000E", INSTANCE = "00080018";

    static List<Query> queries() {
        SyntheticStudies.Study s0 = GEN.studies().get(0), s3 = GEN.studies().get(3);
        SyntheticStudies.Series se0 = GEN.series().get(0);
        SyntheticStudies.Patient p1 = GEN.patients().stream().filter(p -> p.patientName().matches("[A-Z]{3}.*"))
                .findFirst().orElseThrow();
        String family = p1.patientName().replaceAll("[^A-Z].*", ""); // URL-safe start of the family name
        TreeSet<String> dates = new TreeSet<>();
        GEN.studies().forEach(s -> dates.add(s.studyDate()));
        List<String> sorted = new ArrayList<>(dates);
        String lo = sorted.get(sorted.size() / 4), hi = sorted.get(3 * sorted.size() / 4);
        TreeSet<String> births = new TreeSet<>();
        GEN.patients().forEach(p -> births.add(p.birthDate()));
        String token = GEN.patients().get(0).patientId().substring(0, 8); // "MIR-XXXX"
        return List.of(
                new Query("/studies", STUDY).compare("00100020", "00080050", "00201206", "00201208"),
                new Query("/studies?PatientName=" + family + "*", STUDY).compare("00100010"),
                new Query("/studies?PatientName=" + family.toLowerCase() + "*&fuzzymatching=true", STUDY),
                new Query("/studies?PatientName=*" + family.substring(1, 3) + "*", STUDY),
                new Query("/studies?PatientName=" + family.charAt(0) + "?" + family.substring(2) + "*", STUDY),
                new Query("/studies?PatientID=" + p1.patientId(), STUDY).compare("00100030", "00100040"),
                new Query("/studies?PatientID=" + token + "*", STUDY),
                new Query("/studies?StudyDate=" + lo + "-" + hi, STUDY).compare("00080020"),
                new Query("/studies?StudyDate=-" + lo, STUDY).allowOnlyInOrthanc(SR_STUDY, EMPTY_DATE_REASON),
                new Query("/studies?StudyDate=" + hi + "-", STUDY),
                new Query("/studies?StudyDate=" + s0.studyDate(), STUDY),
                new Query("/studies?PatientBirthDate=" + births.first() + "-" + births.last(), STUDY),
                new Query("/studies?StudyInstanceUID=" + s0.studyInstanceUid() + "," + s3.studyInstanceUid(), STUDY),
                new Query("/studies?AccessionNumber=" + s3.accessionNumber(), STUDY).compare("00081030", "00200010"),
                new Query("/studies?ModalitiesInStudy=MR", STUDY),
                new Query("/studies?StudyDescription=CT*", STUDY).compare("00081030"),
                new Query("/studies?includefield=StudyDescription&includefield=00200010&PatientSex=F", STUDY)
                        .compare("00081030", "00200010"),
                new Query("/series?Modality=CT", SERIES).compare("00080060", "0020000D"),
                new Query("/series?SeriesDescription=*SERIES?2", SERIES).compare("0008103E"),
                new Query("/series?includefield=BodyPartExamined,SeriesNumber&Modality=MR", SERIES)
                        .compare("00180015", "00200011"),
                new Query("/studies/" + s0.studyInstanceUid() + "/series", SERIES).compare("00201209"),
                new Query("/studies/" + s0.studyInstanceUid() + "/series/" + se0.seriesInstanceUid() + "/instances", INSTANCE)
                        .compare("00080016", "00200013"),
                new Query("/studies/" + s3.studyInstanceUid() + "/instances", INSTANCE),
                new Query("/instances?SOPClassUID=" + UID.MRImageStorage, INSTANCE),
                new Query("/instances?SOPInstanceUID=" + GEN.instances().get(5).sopInstanceUid(), INSTANCE),
                new Query("/instances?InstanceNumber=2&Modality=CT", INSTANCE),
                new Query("/studies?PatientName=NOBODY*", STUDY),
                new Query("/studies?limit=5", STUDY, Mode.SAME_COUNT_OF_PAGE, "no result order in PS3.18"),
                new Query("/studies?limit=5&offset=10", STUDY, Mode.SAME_COUNT_OF_PAGE, "no result order in PS3.18"),
                new Query("/series?offset=3&limit=100", SERIES, Mode.SAME_COUNT_OF_PAGE, "no result order in PS3.18"));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Escaped UTF-8 and spaces in values (not compared with Orthanc: see the class comment). */
    @Test
    void escapedValuesMatchTheGeneratorsList() throws Exception {
        for (SyntheticStudies.Patient p : GEN.patients()) {
            String family = p.patientName().substring(0, p.patientName().indexOf('^'));
            Set<String> expected = new TreeSet<>();
            GEN.studies().stream().filter(s -> s.patient().patientName().startsWith(family))
                    .forEach(s -> expected.add(s.studyInstanceUid()));
            Set<String> got = byUid(search(miroir.base, "/studies?PatientName=" + enc(family) + "*"), STUDY).keySet();
            assertThat(got).as(family).isEqualTo(expected);
            Set<String> folded = byUid(search(miroir.base, "/studies?fuzzymatching=true&PatientName="
                    + enc(family.toLowerCase(java.util.Locale.ROOT)) + "*"), STUDY).keySet();
            assertThat(folded).as(family + " folded").isEqualTo(expected);
        }
    }

    @Test
    void qidoAnswersMatchOrthancs() throws Exception {
        List<Query> table = queries();
        assertThat(table).hasSizeGreaterThanOrEqualTo(20);
        List<String> diffs = new ArrayList<>();
        for (Query q : table) {
            JsonArray ours = search(miroir.base, q.path()), theirs = search(orthanc.base, q.path());
            Map<String, JsonObject> a = byUid(ours, q.uidTag()), b = byUid(theirs, q.uidTag());
            if (q.mode() == Mode.SAME_SET) {
                b.keySet().removeAll(minus(q.orthancOnly(), a.keySet()));
                if (!a.keySet().equals(b.keySet())) {
                    diffs.add(q.path() + ": Miroir " + a.size() + " matches, Orthanc " + b.size() + "; only Miroir "
                            + minus(a.keySet(), b.keySet()) + ", only Orthanc " + minus(b.keySet(), a.keySet()));
                    continue;
                }
                for (String uid : a.keySet())
                    for (String tag : q.compared()) {
                        Object x = value(a.get(uid), tag), y = value(b.get(uid), tag);
                        if (!java.util.Objects.equals(x, y))
                            diffs.add(q.path() + " " + uid + " " + tag + ": Miroir " + x + ", Orthanc " + y);
                    }
            } else {
                String unpaged = q.path().replaceAll("[?&](limit|offset)=\\d+", "").replaceFirst("^([^?]*)&", "$1?");
                Set<String> all = byUid(search(miroir.base, unpaged), q.uidTag()).keySet();
                if (a.size() != b.size() || !all.containsAll(a.keySet()) || !all.containsAll(b.keySet()))
                    diffs.add(q.path() + " (" + q.note() + "): Miroir " + a.size() + ", Orthanc " + b.size()
                            + " matches, or a match outside the unpaged answer");
            }
            assertThat(a).as(q.path() + " must not be trivially empty unless meant to")
                    .matches(m -> !m.isEmpty() || q.path().contains("NOBODY"));
        }
        assertThat(diffs).isEmpty();
    }

    private static Set<String> minus(Set<String> x, Set<String> y) {
        Set<String> d = new TreeSet<>(x);
        d.removeAll(y);
        return d;
    }

    /** An attribute's value as comparable text: PN by its alphabetic group, numbers without formatting. */
    private static Object value(JsonObject match, String tag) {
        JsonObject e = match.getJsonObject(tag);
        if (e == null) return null;
        JsonArray v = e.getJsonArray("Value");
        if (v == null || v.isEmpty()) return null;
        List<String> out = new ArrayList<>();
        for (Object o : v) {
            if (o instanceof JsonObject pn) out.add(pn.getString("Alphabetic"));
            else if (o instanceof Number n) out.add(new java.math.BigDecimal(n.toString()).stripTrailingZeros().toPlainString());
            else out.add(o == null ? null : o.toString());
        }
        if (tag.equals("00080061")) out.sort(null); // Modalities in Study: a set
        return out;
    }

    private static Map<String, JsonObject> byUid(JsonArray answer, String uidTag) {
        Map<String, JsonObject> out = new TreeMap<>();
        for (int i = 0; i < answer.size(); i++) {
            JsonObject m = answer.getJsonObject(i);
            out.put(m.getJsonObject(uidTag).getJsonArray("Value").getString(0), m);
        }
        return out;
    }

    static JsonArray search(String base, String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/dicom-web" + pathAndQuery))
                .timeout(WebNode.TIMEOUT).header("Accept", "application/dicom+json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 204 || r.body().isBlank()) return new JsonArray(); // Orthanc before CP-2473
        assertThat(r.statusCode()).as(base + pathAndQuery + ": " + r.body()).isEqualTo(200);
        return new JsonArray(r.body());
    }
}
