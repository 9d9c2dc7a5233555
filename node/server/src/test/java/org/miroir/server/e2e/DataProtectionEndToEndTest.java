package org.miroir.server.e2e;

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
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.FileMetaInformation;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.Processes;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.server.encryption.TestKeys;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step 8 "done when" 4 and 5 on a node started by {@code ops/miroir run} with encryption at rest, on the embedded
 * storage and on Cassandra + Ceph RADOS: the objects as the driver holds them (files, or RADOS objects read with the
 * {@code rados} CLI) are ciphertext; C-GET (range reads) and WADO-URI give back the data sets sent; a byte flipped at
 * rest is refused on read. A study's de-identified export (identifying attributes added to the synthetic ones, nested
 * and private ones too), checked with dcmdump: no value of any attribute the Basic Profile lists survives, private
 * attributes are gone, the profile is recorded, UIDs are new and consistent, pixel data unchanged.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@ParameterizedClass(name = "storage {0}")
@ValueSource(strings = {StorageBackends.EMBEDDED, StorageBackends.CASSANDRA_RADOS})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataProtectionEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern DUMP_LINE = Pattern.compile("^\\s*\\(([0-9a-f]{4}),([0-9a-f]{4})\\) (\\w\\w) (.*?)\\s+#",
            Pattern.MULTILINE);
    @TempDir
    static Path root;
    @Parameter
    String storage;
    static Path tmp;
    static JsonObject objects;
    static ArchiveNode node;
    static SyntheticStudies gen;
    /** Sent file per SOP Instance UID. */
    static final Map<String, Path> sent = new LinkedHashMap<>();

    @BeforeParameterizedClassInvocation
    static void startAndStore(String storage) throws IOException {
        Dcmtk.assumeInstalled();
        sent.clear();
        tmp = Files.createDirectories(root.resolve(storage));
        Path keys = TestKeys.write(tmp.resolve("keys.p12"), Map.of("k1", TestKeys.newKey()));
        JsonObject storageConfig = StorageBackends.config(storage, "crypt").put("encryption", new JsonObject()
                .put("keyStore", keys.toString()).put("keyStorePassword", TestKeys.PASSWORD).put("currentKey", "k1")
                .put("readPlaintext", false));
        objects = storageConfig.getJsonObject("objects", new JsonObject());
        node = ArchiveNode.start(tmp.resolve("data"), new JsonObject().put("storage", storageConfig));
        // 256 x 200 16-bit pixels: 100 KiB, so every object spans several sealed segments.
        gen = SyntheticStudies.builder().seed(20250808).patients(1).studiesPerPatient(1).seriesPerStudy(2)
                .instancesPerSeries(2).rows(256).columns(200).modalities("CT").build();
        Path dir = Files.createDirectories(tmp.resolve("sent"));
        List<SyntheticStudies.Instance> instances = gen.instances();
        for (int i = 0; i < instances.size(); i++) {
            SyntheticStudies.Instance inst = instances.get(i);
            Attributes ds = gen.dataset(inst);
            identify(ds, instances.get((i + 1) % instances.size()));
            Path f = dir.resolve(inst.sopInstanceUid() + ".dcm");
            try (OutputStream out = Files.newOutputStream(f)) {
                new DicomOutputStream(out, UID.ExplicitVRLittleEndian).writeDataset(FileMetaInformation.create(
                        inst.sopInstanceUid(), inst.sopClassUid(), UID.ExplicitVRLittleEndian), ds);
            }
            sent.put(inst.sopInstanceUid(), f);
        }
        Map<Path, String> results = Scu.store(node.dicomPort, List.copyOf(sent.values()));
        for (Path f : sent.values()) assertThat(results.get(f)).as("storescu of %s\n%s", f, node.output()).isEqualTo("Success");
    }

    /** What a real study carries besides the generator's identity: more of it, nested, private, and a reference. */
    private static void identify(Attributes ds, SyntheticStudies.Instance other) {
        ds.setString(Tag.InstitutionName, VR.LO, "HOPITAL SAINT-LOUIS");
        ds.setString(Tag.InstitutionAddress, VR.ST, "1 AVENUE CLAUDE VELLEFAUX PARIS");
        ds.setString(Tag.OperatorsName, VR.PN, "MARTIN^PAUL");
        ds.setString(Tag.OtherPatientIDs, VR.LO, "OPID-4242");
        ds.setString(Tag.PatientAddress, VR.LO, "12 RUE DES LILAS");
        ds.setString(Tag.DeviceSerialNumber, VR.LO, "SN-998877");
        ds.setString(Tag.StationName, VR.SH, "CTROOM7");
        ds.setString(Tag.PatientAge, VR.AS, "047Y");
        ds.setString(0x00090010, VR.LO, "ACME 1.0");
        ds.setString(0x00091001, VR.LO, "PRIVATE-SECRET");
        Attributes source = ds.newSequence(Tag.SourceImageSequence, 1).addNewItem();
        source.setString(Tag.ReferencedSOPClassUID, VR.UI, other.sopClassUid());
        source.setString(Tag.ReferencedSOPInstanceUID, VR.UI, other.sopInstanceUid());
        source.setString(Tag.OperatorsName, VR.PN, "NESTED^OPERATOR");
        Attributes request = ds.newSequence(Tag.RequestAttributesSequence, 1).addNewItem();
        request.setString(Tag.RequestedProcedureID, VR.SH, "RP-5566");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (node != null) node.close();
    }

    private String study() {
        return gen.studies().get(0).studyInstanceUid();
    }

    // ---------------------------------------------------------------- objects as the driver holds them

    private Processes.Result rados(String... args) {
        List<String> cmd = new ArrayList<>(List.of("rados", "-c", objects.getString("conf-file"), "-p",
                objects.getString("pool"), "-N", objects.getString("namespace")));
        cmd.addAll(List.of(args));
        return Processes.run(cmd, Map.of(), Duration.ofMinutes(1), false, Processes.MAX_OUTPUT_BYTES).assertOk();
    }

    /** Every object's bytes at rest, by key, read around the node: its files, or RADOS through the CLI. */
    private Map<String, byte[]> atRest() throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        if (storage.equals(StorageBackends.EMBEDDED)) {
            try (Stream<Path> files = Files.walk(node.dataDir.resolve("objects"))) {
                for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/.tmp/")).toList())
                    out.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        } else {
            for (String key : rados("ls").stdout().split("\n")) {
                if (key.isBlank()) continue;
                Path f = tmp.resolve("raw-" + key);
                rados("get", key, f.toString());
                out.put(key, Files.readAllBytes(f));
            }
        }
        return out;
    }

    private void replaceAtRest(String key, byte[] bytes) throws IOException {
        if (storage.equals(StorageBackends.EMBEDDED)) {
            try (Stream<Path> files = Files.walk(node.dataDir.resolve("objects"))) {
                Path f = files.filter(p -> p.getFileName().toString().equals(key)).findFirst().orElseThrow();
                Files.write(f, bytes);
            }
        } else {
            Path f = tmp.resolve("damaged-" + key);
            Files.write(f, bytes);
            rados("put", key, f.toString());
        }
    }

    @Test
    @Order(1)
    void objectsAtRestAreCiphertext() throws IOException {
        Map<String, byte[]> raw = atRest();
        assertThat(raw).hasSize(sent.size());
        for (var e : raw.entrySet()) {
            byte[] b = e.getValue();
            assertThat(b.length).as("object %s", e.getKey()).isGreaterThan(132);
            assertThat(new String(b, 128, 4, StandardCharsets.US_ASCII)).as("DICM at 128 in %s", e.getKey())
                    .isNotEqualTo("DICM");
            assertThat(new String(b, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("MREN");
            String all = new String(b, StandardCharsets.ISO_8859_1);
            assertThat(all).doesNotContain(gen.patients().get(0).patientId()).doesNotContain("HOPITAL SAINT-LOUIS");
        }
    }

    // ---------------------------------------------------------------- retrieval

    private HttpResponse<byte[]> wadoUri(String sop) throws IOException, InterruptedException {
        SyntheticStudies.Instance inst = gen.instances().stream().filter(i -> i.sopInstanceUid().equals(sop))
                .findFirst().orElseThrow();
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort
                + "/wado?requestType=WADO&contentType=application/dicom&studyUID=" + study() + "&seriesUID="
                + inst.series().seriesInstanceUid() + "&objectUID=" + sop)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    @Order(2)
    void retrievalGivesBackTheDataSetsSent() throws Exception {
        Path got = Files.createDirectories(tmp.resolve("cget"));
        Scu.get(node.dicomPort, Scu.STUDY_ROOT, got, "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study())
                .assertOk();
        Map<String, Path> retrieved = Scu.bySopInstanceUid(got);
        assertThat(retrieved.keySet()).isEqualTo(sent.keySet());
        for (var e : sent.entrySet()) {
            assertThat(Scu.differences(e.getValue(), retrieved.get(e.getKey()))).as("C-GET %s", e.getKey()).isEmpty();
            HttpResponse<byte[]> r = wadoUri(e.getKey());
            assertThat(r.statusCode()).isEqualTo(200);
            Path f = tmp.resolve("wado-" + e.getKey() + ".dcm");
            Files.write(f, r.body());
            assertThat(Scu.differences(e.getValue(), f)).as("WADO-URI %s", e.getKey()).isEmpty();
        }
    }

    // ---------------------------------------------------------------- de-identified export

    /** The Basic Profile's attributes by exact tag, read from the table the node uses. */
    private static Set<Integer> profileTags() throws IOException {
        Set<Integer> tags = new java.util.HashSet<>();
        try (InputStream in = DataProtectionEndToEndTest.class.getResourceAsStream("/org/miroir/server/deid/basic-profile.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n"))
                if (!line.startsWith("#") && !line.isBlank() && !line.contains("x"))
                    tags.add(Integer.parseUnsignedInt(line.substring(0, 8), 16));
        }
        return tags;
    }

    /** Every element dcmdump shows, at any nesting level, as "gggg,eeee" to the values shown. */
    private static Map<String, List<String>> dump(Path file) {
        String out = Dcmtk.run("dcmdump", "-q", "+L", file.toString()).assertOk().stdout();
        Map<String, List<String>> elements = new HashMap<>();
        Matcher m = DUMP_LINE.matcher(out);
        while (m.find()) elements.computeIfAbsent(m.group(1) + "," + m.group(2), k -> new ArrayList<>()).add(m.group(4));
        return elements;
    }

    private static boolean sameNumbers(Path sentFile, Attributes deid) {
        try {
            Attributes a = Scu.read(sentFile);
            return a.getString(Tag.SeriesNumber).equals(deid.getString(Tag.SeriesNumber))
                    && a.getString(Tag.InstanceNumber).equals(deid.getString(Tag.InstanceNumber));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    @Order(3)
    void aDeidentifiedExportHoldsNoIdentifyingAttributeAndTheSameImage() throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort
                + "/admin/studies/" + study() + "/deidentify")).timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/zip");
        Path out = Files.createDirectories(tmp.resolve("export"));
        List<Path> files = new ArrayList<>();
        JsonObject summary = null;
        try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(r.body()))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                byte[] b = zip.readAllBytes();
                if (e.getName().equals("deidentification.json")) {
                    summary = new JsonObject(new String(b, StandardCharsets.UTF_8));
                } else {
                    Path f = out.resolve(e.getName().replace('/', '_'));
                    Files.write(f, b);
                    files.add(f);
                }
            }
        }
        assertThat(summary).isNotNull();
        assertThat(summary.getInteger("instances")).isEqualTo(sent.size());
        assertThat(files).hasSize(sent.size());

        Set<Integer> listed = profileTags();
        Map<String, String> newSops = new HashMap<>();
        Map<String, String> referenced = new HashMap<>();
        String newStudy = null;
        for (Path f : files) {
            Attributes deid = Scu.read(f);
            // Series and instance numbers are not identifying: they tell which instance was sent as which.
            Path original = sent.values().stream().filter(p -> sameNumbers(p, deid)).findFirst()
                    .orElseThrow(() -> new AssertionError("no sent instance numbered as " + f));
            Attributes before = Scu.read(original);
            newSops.put(before.getString(Tag.SOPInstanceUID), deid.getString(Tag.SOPInstanceUID));
            referenced.put(before.getSequence(Tag.SourceImageSequence).get(0).getString(Tag.ReferencedSOPInstanceUID),
                    deid.getSequence(Tag.SourceImageSequence).get(0).getString(Tag.ReferencedSOPInstanceUID));
            if (newStudy == null) newStudy = deid.getString(Tag.StudyInstanceUID);
            assertThat(deid.getString(Tag.StudyInstanceUID)).isEqualTo(newStudy).isNotEqualTo(study());
            assertThat(deid.getBytes(Tag.PixelData)).as("pixel data kept").isEqualTo(before.getBytes(Tag.PixelData));

            Map<String, List<String>> shown = dump(f);
            String text = String.join("\n", shown.values().stream().flatMap(List::stream).toList());
            for (int tag : listed) {
                String[] values = before.getStrings(tag);
                List<String> now = shown.getOrDefault(String.format("%04x,%04x", tag >>> 16, tag & 0xFFFF), List.of());
                if (values != null)
                    for (String v : values)
                        if (!v.isBlank()) assertThat(now).as("%08X's value %s in %s", tag, v, f).noneMatch(s -> s.contains(v));
            }
            for (String v : List.of("MARTIN^PAUL", "NESTED^OPERATOR", "RP-5566", "PRIVATE-SECRET", "ACME", "CTROOM7",
                    "047Y", gen.patients().get(0).patientId()))
                assertThat(text).as("%s in %s", v, f).doesNotContain(v);
            assertThat(shown.keySet()).as("no private attribute").noneMatch(t -> (Integer.parseInt(t.substring(3, 4), 16) & 1) == 1);
            for (String removed : List.of("0008,0081", "0010,1000", "0010,1040", "0010,1010", "0040,0275"))
                assertThat(shown).as(removed).doesNotContainKey(removed);
            assertThat(shown.get("0012,0062")).containsExactly("[YES]");
            assertThat(shown.get("0008,0100")).contains("[113100]");
            assertThat(shown).containsKey("0012,0063");
        }
        assertThat(referenced).as("references follow the new UIDs within the export").isEqualTo(newSops);
    }

    // ---------------------------------------------------------------- tampering

    @Test
    @Order(4)
    void aByteFlippedAtRestIsRefusedOnRead() throws Exception {
        String sop = sent.keySet().iterator().next();
        Map<String, byte[]> raw = atRest();
        String key = raw.keySet().stream().filter(k -> k.startsWith(sop)).findFirst().orElseThrow();
        byte[] damaged = raw.get(key).clone();
        damaged[damaged.length / 2] ^= 0x01;
        replaceAtRest(key, damaged);

        HttpResponse<byte[]> r;
        try {
            r = wadoUri(sop);
        } catch (IOException cut) {
            r = null; // the answer had started: the connection is closed instead
        }
        if (r != null) assertThat(r.statusCode()).isEqualTo(500);
        assertThat(node.output()).contains("fails its authentication tag");
        Path got = Files.createDirectories(tmp.resolve("cget-damaged"));
        Scu.get(node.dicomPort, Scu.STUDY_ROOT, got, "QueryRetrieveLevel=IMAGE", "StudyInstanceUID=" + study(),
                "SeriesInstanceUID=" + gen.instances().get(0).series().seriesInstanceUid(), "SOPInstanceUID=" + sop);
        assertThat(Scu.bySopInstanceUid(got)).as("no data from a damaged object").isEmpty();
    }
}
