package org.miroir.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.Processes;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.dr.replication.Protocol;
import org.miroir.dr.replication.ReplicationTls;
import org.miroir.dr.site.SiteSettings;
import org.miroir.storage.digest.Sha256;

/**
 * Step 5 on a pair of sites (a node each, embedded storage, objects encrypted at rest with each site's own keys) whose links to each other and from the active site to the
 * witness go through proxies the test cuts: steady ingest replicated within the RPO and the mirror holding the same
 * instances with the same digests; bad shipments refused with nothing applied; a damaged and a lost copy on the mirror
 * found (the damage refused by decryption), repaired and verification clean again; the link between the sites cut (no failover, replication resumes);
 * the active site cut from the witness (it fences itself before the mirror takes over: never both accepting writes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class DisasterRecoveryTest {
    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final Duration RPO = Duration.ofSeconds(10);
    private static final Pattern ROLE = Pattern.compile("site (\\w+): role=(\\w+) epoch=(\\d+) holder=(\\S+) at=(\\S+)");

    @TempDir
    static Path dir;
    private TwoSites pair;
    private Site paris, lyon;
    private final List<StoreTraffic.Ack> ingested = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        Dcmtk.assumeInstalled();
        pair = TwoSites.start(Roots.repo(), dir, new TwoSites.Options("embedded", 1, LEASE, RPO, Duration.ofSeconds(60),
                Duration.ofSeconds(3), true, true), TwoSites.environment(System.getProperty("java.class.path")));
        paris = pair.active;
        lyon = pair.mirror;
    }

    @AfterAll
    void stop() {
        if (pair != null) pair.close();
    }

    private JsonObject dr(Site s) {
        return s.dr(1);
    }

    private void awaitCaughtUp(Duration within) {
        int[] clean = {0};
        TwoSites.await(() -> {
            JsonObject s = dr(paris);
            clean[0] = s != null && s.getDouble("rpoSeconds") == 0 ? clean[0] + 1 : 0;
            return clean[0] >= 3;
        }, within, "the mirror caught up");
    }

    @Test
    @Order(1)
    void steadyIngestReplicatesWithinTheRpoAndTheMirrorHoldsTheSameInstancesAndDigests() throws Exception {
        try (StoreTraffic traffic = new StoreTraffic(paris.balancerDicomPort(), 4, new Instances(11))) {
            Thread.sleep(15_000);
            traffic.stop();
            ingested.addAll(traffic.acks());
        }
        assertThat(ingested).hasSizeGreaterThan(50);
        awaitCaughtUp(Duration.ofMinutes(2));
        double p99 = Drill.replicationDelayP99(paris);
        System.out.printf("%d instances; replication delay p99 %.2f s%n", ingested.size(), p99);
        assertThat(p99).as("replication delay p99").isLessThanOrEqualTo(RPO.toSeconds());

        Set<String> studies = new LinkedHashSet<>(), sent = new HashSet<>();
        for (StoreTraffic.Ack a : ingested) {
            studies.add(a.studyUid());
            sent.add(a.sopInstanceUid());
        }
        assertThat(lyon.instancesOf(studies)).isEqualTo(sent).isEqualTo(paris.instancesOf(studies));
        // Both sites hold ciphertext only: no Part 10 preamble where a DICOM file has one.
        for (Site s : List.of(paris, lyon)) {
            try (Stream<Path> files = Files.walk(s.dir.resolve("node1/data/objects"))) {
                List<Path> objects = files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/.tmp/")).toList();
                assertThat(objects).hasSizeGreaterThanOrEqualTo(sent.size());
                for (Path p : objects) {
                    byte[] head = new byte[132];
                    try (var in = Files.newInputStream(p)) {
                        assertThat(in.readNBytes(head, 0, 132)).isEqualTo(132);
                    }
                    assertThat(new String(head, 128, 4, java.nio.charset.StandardCharsets.US_ASCII)).as("%s", p)
                            .isNotEqualTo("DICM");
                }
            }
        }
        // The mirror reads every object back and digests it again: same instances, same bytes.
        JsonObject audit = new JsonObject(paris.post(paris.httpPort(1), "/admin/dr/verify?repair=false", "").body());
        assertThat(audit.getLong("checked")).isEqualTo(sent.size());
        assertThat(audit.getLong("ok")).isEqualTo(sent.size());
    }

    // ---------------------------------------------------------------- registry and worklist

    /** One HL7 message over MLLP; returns the acknowledgement. */
    private static String hl7(int port, String message) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(0x0B);
            out.write(message.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(new byte[] {0x1C, 0x0D});
            out.flush();
            java.io.ByteArrayOutputStream ack = new java.io.ByteArrayOutputStream();
            java.io.InputStream in = s.getInputStream();
            for (int b; (b = in.read()) != -1 && b != 0x1C; ) if (b != 0x0B) ack.write(b);
            return ack.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private static String msh(String type, String control) {
        return "MSH|^~\\&|HIS|HOSP|MIROIR|RAD|20250310070000||" + type + "|" + control + "|P|2.5\r";
    }

    private static String pid(String name) {
        return "PID|1||PDR1^^^HOSP^MR||" + name + "||19700101|M\r";
    }

    private static String order(String control, String orderControl) {
        String[] obr = new String[24];
        java.util.Arrays.fill(obr, "");
        obr[0] = "1";
        obr[1] = "PDR1O^RIS";
        obr[3] = "CTHEAD^CT Head^LOCAL";
        obr[17] = "ADR1";
        obr[18] = "RPADR1";
        obr[19] = "SPSADR1";
        obr[23] = "CT";
        return msh("ORM^O01", control) + pid("Before^Name") + "PV1|1|O\r" + "ORC|" + orderControl
                + "|PDR1O^RIS|||SC||^^^202503101100^^R||20250310070000|||||||||CTDR\r" + "OBR|" + String.join("|", obr)
                + "\r";
    }

    /** The worklist of station CTDR on a site (findscu -W through its balancer): accession numbers. */
    private List<String> worklist(Site s) throws IOException {
        Path out = Files.createTempDirectory(dir, "mwl");
        Processes.Result r = Dcmtk.run(Dcmtk.TIMEOUT, "findscu", List.of("-W", "-aec", "MIROIR", "-X", "-od",
                out.toString(), "-k", "ScheduledProcedureStepSequence[0].ScheduledStationAETitle=CTDR", "-k",
                "AccessionNumber", "127.0.0.1", String.valueOf(s.balancerDicomPort())));
        assertThat(r.ok()).as(r.describe()).isTrue();
        List<String> accessions = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("rsp")).toList())
                try (var in = new org.miroir.dicom.io.DicomInputStream(Files.newInputStream(f))) {
                    accessions.add(in.readDataset().getString(org.miroir.dicom.data.Tag.AccessionNumber));
                }
        }
        return accessions;
    }

    private String studyPatientName(Site s, String study) throws IOException {
        HttpResponse<String> r = s.get(s.balancerHttpPort(), "/dicom-web/studies?StudyInstanceUID=" + study);
        if (r.statusCode() != 200) return null;
        JsonArray a = new JsonArray(r.body());
        return a.isEmpty() ? null : a.getJsonObject(0).getJsonObject("00100010").getJsonArray("Value")
                .getJsonObject(0).getString("Alphabetic");
    }

    @Test
    @Order(2)
    void registryUpdatesAndWorklistChangesReachTheMirror() throws Exception {
        int hl7 = paris.balancerHl7Port();
        assertThat(hl7(hl7, msh("ADT^A04", "DR1") + "EVN|A04\r" + pid("Before^Name") + "PV1|1|O\r")).contains("MSA|AA");
        // An instance of that patient, stored before the update, shows the new name on both sites after it.
        Instances.Item item = new Instances(97).next();
        item.dataset().setString(org.miroir.dicom.data.Tag.PatientID, org.miroir.dicom.data.VR.LO, "PDR1");
        item.dataset().setString(org.miroir.dicom.data.Tag.IssuerOfPatientID, org.miroir.dicom.data.VR.LO, "HOSP");
        assertThat(StoreTraffic.storeAlone(paris.balancerDicomPort(), item, new ArrayList<>())).isTrue();
        assertThat(hl7(hl7, order("DR2", "NW"))).contains("MSA|AA");
        assertThat(hl7(hl7, msh("ADT^A08", "DR3") + "EVN|A08\r" + pid("After^Name") + "PV1|1|O\r")).contains("MSA|AA");
        assertThat(worklist(paris)).containsExactly("ADR1");
        awaitCaughtUp(Duration.ofMinutes(1));
        assertThat(studyPatientName(lyon, item.studyUid())).isEqualTo("After^Name");
        assertThat(worklist(lyon)).containsExactly("ADR1");

        assertThat(hl7(hl7, order("DR4", "CA"))).contains("MSA|AA");
        awaitCaughtUp(Duration.ofMinutes(1));
        assertThat(worklist(paris)).isEmpty();
        assertThat(worklist(lyon)).as("the cancelled order leaves the mirror's worklist too").isEmpty();
    }

    // ---------------------------------------------------------------- bad shipments

    private HttpClient receiverClient(SSLContext tls) {
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    private SSLContext siteTls() throws IOException {
        return ReplicationTls.client(new SiteSettings.ReplicationTls(pair.tls.resolve("node.p12").toString(), "changeit",
                pair.tls.resolve("trust.p12").toString(), "changeit"));
    }

    private URI receiver(String path) {
        return URI.create("https://127.0.0.1:" + lyon.receiverPort(1) + path);
    }

    private HttpResponse<String> ship(HttpClient client, String key, byte[] body, String sha, long epoch, String site)
            throws Exception {
        return client.send(HttpRequest.newBuilder(receiver(Protocol.OBJECTS + key)).timeout(Duration.ofSeconds(30))
                .header(Protocol.SITE, site).header(Protocol.EPOCH, Long.toString(epoch)).header(Protocol.SHA256, sha)
                .header(Protocol.STORED_AT, Long.toString(Instant.now().toEpochMilli()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What the mirror says of an object it may have (the verify endpoint reads its index and its bytes). */
    private String mirrorHas(HttpClient client, String key, String sop, String study, String series, long size,
            String sha, long epoch) throws Exception {
        JsonObject item = new JsonObject().put("key", key).put("sop", sop).put("study", study).put("series", series)
                .put("size", size).put("sha256", sha);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(receiver(Protocol.VERIFY))
                .timeout(Duration.ofSeconds(30)).header(Protocol.SITE, "paris").header(Protocol.EPOCH, Long.toString(epoch))
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("items", new JsonArray().add(item)).encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonArray("results").getString(0);
    }

    @Test
    @Order(2)
    void theReceiverRefusesBadShipmentsAndAppliesNothing() throws Exception {
        SyntheticStudies gen = SyntheticStudies.ctSeries(1);
        SyntheticStudies.Instance inst = gen.instances().get(0);
        Path file = dir.resolve("bad.dcm");
        gen.write(inst, file, UID.ExplicitVRLittleEndian);
        byte[] bytes = Files.readAllBytes(file);
        String sha = Sha256.of(bytes);
        long epoch = dr(lyon).getLong("epoch");
        HttpClient good = receiverClient(siteTls());
        String key = "2.25.1" + System.nanoTime();
        String study = inst.study().studyInstanceUid(), series = inst.series().seriesInstanceUid();

        // Stale epoch, or not the other site: refused before a byte is read.
        assertThat(ship(good, key, bytes, sha, epoch - 1, "paris").statusCode()).isEqualTo(409);
        assertThat(ship(good, key, bytes, sha, epoch, "lyon").statusCode()).isEqualTo(409);
        // Bytes that are not what was announced, or not an instance.
        HttpResponse<String> wrongDigest = ship(good, key, bytes, Sha256.of(new byte[] {1}), epoch, "paris");
        assertThat(wrongDigest.statusCode()).as(wrongDigest.body()).isEqualTo(422);
        byte[] notDicom = "not a DICOM object".getBytes();
        assertThat(ship(good, key, notDicom, Sha256.of(notDicom), epoch, "paris").statusCode()).isEqualTo(422);
        // A body cut short: the sender announces it all and sends half.
        sendTruncated(siteTls(), key, bytes, sha, epoch);
        // Malformed JSON.
        HttpResponse<String> badJson = good.send(HttpRequest.newBuilder(receiver(Protocol.CHANGES))
                .timeout(Duration.ofSeconds(30)).header(Protocol.SITE, "paris").header(Protocol.EPOCH, Long.toString(epoch))
                .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(mirrorHas(good, key, inst.sopInstanceUid(), study, series, bytes.length, sha, epoch))
                .as("nothing of the bad shipments applied").isEqualTo("MISSING");
        assertThat(lyon.instancesOf(Set.of(study))).isEmpty();

        // A client certificate the mirror does not trust: no TLS session at all.
        SSLContext stranger = strangerTls();
        assertThatThrownBy(() -> ship(receiverClient(stranger), key, bytes, sha, epoch, "paris"))
                .isInstanceOf(IOException.class);

        // The same object, shipped whole and right, is applied (the refusals were about the input, not the receiver).
        assertThat(ship(good, key, bytes, sha, epoch, "paris").statusCode()).isEqualTo(200);
        assertThat(mirrorHas(good, key, inst.sopInstanceUid(), study, series, bytes.length, sha, epoch)).isEqualTo("OK");
    }

    private void sendTruncated(SSLContext tls, String key, byte[] bytes, String sha, long epoch) throws Exception {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", lyon.receiverPort(1))) {
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(("PUT " + Protocol.OBJECTS + key + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + bytes.length
                    + "\r\n" + Protocol.SITE + ": paris\r\n" + Protocol.EPOCH + ": " + epoch + "\r\n" + Protocol.SHA256
                    + ": " + sha + "\r\n" + Protocol.STORED_AT + ": 1\r\n\r\n").getBytes());
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
            Thread.sleep(300);
        }
        Thread.sleep(1000); // the receiver notices the cut and gives the shipment up
    }

    private SSLContext strangerTls() throws Exception {
        Path ks = dir.resolve("stranger.p12");
        Processes.run(List.of("keytool", "-genkeypair", "-alias", "x", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=stranger", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit"), java.util.Map.of(), Duration.ofMinutes(1), true, 1 << 16).assertOk();
        return ReplicationTls.client(new SiteSettings.ReplicationTls(ks.toString(), "changeit",
                pair.tls.resolve("trust.p12").toString(), "changeit"));
    }

    // ---------------------------------------------------------------- backup verification

    /** The file of {@code sop}'s object on the mirror (its embedded index tells the key; the file is named after it). */
    private Path mirrorObject(String sop) throws Exception {
        Path data = lyon.dir.resolve("node1/data");
        String key;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("index/index.db") + "?open_mode=1");
             PreparedStatement ps = c.prepareStatement("SELECT object_key FROM instance WHERE sop_uid = ?")) {
            ps.setString(1, sop);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("%s indexed on the mirror", sop).isTrue();
                key = rs.getString(1);
            }
        }
        try (Stream<Path> files = Files.walk(data.resolve("objects"))) {
            return files.filter(p -> p.getFileName().toString().equals(key)).findFirst()
                    .orElseThrow(() -> new AssertionError("no file for object " + key));
        }
    }

    private double parisMetric(String name, String labels) throws IOException {
        double sum = 0;
        for (String line : paris.get(paris.httpPort(1), "/metrics").body().split("\n"))
            if ((line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(labels))
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        return sum;
    }

    @Test
    @Order(3)
    void aDamagedAndALostCopyOnTheMirrorAreFoundRepairedAndVerificationIsCleanAgain() throws Exception {
        Path damaged = mirrorObject(ingested.get(0).sopInstanceUid());
        Path lost = mirrorObject(ingested.get(1).sopInstanceUid());
        double corruptBefore = parisMetric("miroir_dr_verification_checked_total", "result=\"corrupt\"");
        double missingBefore = parisMetric("miroir_dr_verification_checked_total", "result=\"missing\"");
        double repairsBefore = parisMetric("miroir_dr_verification_repairs_total", "");
        try (RandomAccessFile f = new RandomAccessFile(damaged.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
        Files.delete(lost);

        // Found by the continuous pass (one cycle: a pause of 3 s and a pass over the index), repaired at once.
        TwoSites.await(() -> {
            try {
                return parisMetric("miroir_dr_verification_checked_total", "result=\"corrupt\"") > corruptBefore
                        && parisMetric("miroir_dr_verification_checked_total", "result=\"missing\"") > missingBefore
                        && parisMetric("miroir_dr_verification_repairs_total", "") >= repairsBefore + 2;
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofMinutes(2), "the damage found and repaired");
        // The next pass is clean, and so is an audit.
        double cycles = parisMetric("miroir_dr_verification_cycles_total", "");
        TwoSites.await(() -> {
            try {
                return parisMetric("miroir_dr_verification_cycles_total", "") >= cycles + 1
                        && parisMetric("miroir_dr_verification_mismatches", "") == 0;
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofMinutes(2), "a clean verification cycle");
        JsonObject audit = new JsonObject(paris.post(paris.httpPort(1), "/admin/dr/verify?repair=false", "").body());
        assertThat(audit.getLong("ok")).isEqualTo(audit.getLong("checked"));
        assertThat(Files.exists(lost)).as("the lost copy is back").isTrue();
    }

    // ---------------------------------------------------------------- split brain

    /** Writes to both sites every 100 ms, recording every acknowledged write per site. */
    private final class Probes implements AutoCloseable {
        final List<Instant> parisWrites = new CopyOnWriteArrayList<>(), lyonWrites = new CopyOnWriteArrayList<>();
        private final Instances items = new Instances(System.nanoTime());
        private volatile boolean running = true;
        private final Thread thread = new Thread(() -> {
            while (running) {
                try {
                    List<StoreTraffic.Ack> p = new ArrayList<>(), l = new ArrayList<>();
                    if (StoreTraffic.storeAlone(paris.balancerDicomPort(), items.next(), p)) parisWrites.add(p.get(0).at());
                    if (StoreTraffic.storeAlone(lyon.balancerDicomPort(), items.next(), l)) lyonWrites.add(l.get(0).at());
                    Thread.sleep(100);
                } catch (Exception e) {
                    return;
                }
            }
        });

        Probes() {
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(60_000);
        }
    }

    @Test
    @Order(4)
    void withTheLinkBetweenTheSitesCutTheActiveSiteKeepsWritingAloneAndReplicationResumesAfter() throws Exception {
        pair.cutLinkBetweenSites(true);
        try (Probes probes = new Probes()) {
            Thread.sleep(LEASE.multipliedBy(3).toMillis());
            probes.close();
            assertThat(probes.lyonWrites).as("the mirror never accepted a write").isEmpty();
            assertThat(probes.parisWrites).isNotEmpty();
            assertThat(dr(lyon).getString("role")).isEqualTo("PASSIVE");
            assertThat(dr(paris).getDouble("rpoSeconds")).as("replication stalled").isPositive();
        } finally {
            pair.cutLinkBetweenSites(false);
        }
        awaitCaughtUp(Duration.ofMinutes(2));
    }

    @Test
    @Order(5)
    void cutFromTheWitnessTheActiveSiteFencesItselfBeforeTheMirrorTakesOver() throws Exception {
        Instant cut;
        Probes probes = new Probes();
        try {
            Thread.sleep(1000);
            cut = Instant.now();
            pair.cutActiveFromWitness(true);
            TwoSites.await(() -> !probes.lyonWrites.isEmpty(), Duration.ofSeconds(60), "the mirror taking over");
            Thread.sleep(3000);
        } finally {
            probes.close();
        }
        Instant lastParis = probes.parisWrites.stream().max(Instant::compareTo).orElseThrow();
        Instant firstLyon = probes.lyonWrites.stream().min(Instant::compareTo).orElseThrow();
        System.out.printf("cut %s, last write acknowledged by paris %s, first by lyon %s%n", cut, lastParis, firstLyon);
        assertThat(lastParis).as("no write acknowledged by paris once lyon accepted one").isBefore(firstLyon);

        // The nodes' own logs say the same: paris stopped being active before lyon became active.
        Instant parisFenced = roleChange(paris.log(1), "paris", "FENCED", cut);
        Instant lyonActive = roleChange(lyon.log(1), "lyon", "ACTIVE", cut);
        assertThat(parisFenced).isBefore(lyonActive);
        assertThat(dr(lyon).getLong("epoch")).isEqualTo(2);

        // The link back: paris sees the higher epoch and stays fenced.
        pair.cutActiveFromWitness(false);
        TwoSites.await(() -> dr(paris).getLong("epoch") == 2, Duration.ofSeconds(30), "paris learning epoch 2");
        assertThat(dr(paris).getString("role")).isEqualTo("FENCED");
        assertThat(parisMetric("miroir_dr_site_role", "role=\"ACTIVE\"")).isZero();
    }

    /** When a node's log says its site took {@code role}, the first time after {@code after}. */
    private static Instant roleChange(String log, String site, String role, Instant after) {
        Matcher m = ROLE.matcher(log);
        while (m.find()) {
            Instant at = Instant.parse(m.group(5));
            if (m.group(1).equals(site) && m.group(2).equals(role) && at.isAfter(after)) return at;
        }
        throw new AssertionError(site + " never logged role " + role + " after " + after);
    }
}
