package org.miroir.dicom.net.interop;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.dicom.net.ApplicationEntity;
import org.miroir.dicom.net.AssociationOptions;
import org.miroir.dicom.net.DicomServer;
import org.miroir.dicom.net.TransferCapability;
import org.miroir.dicom.net.service.FileStoreHandler;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.Processes;
import org.miroir.dicom.testing.PydicomCorpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * dcmtk's storescu sends the pydicom corpus and a generated 512x512 CT series to a Miroir SCP that streams each data
 * set to a Part 10 file; once per transfer syntax the SCP accepts for native data (so storescu converts to it), with
 * the compressed syntaxes accepted as they are (passed through). Every received data set must equal the sent one.
 * Files storescu itself will not send (no SOP class, unreadable) are listed and skipped.
 */
@Tag("interop")
class StoreScuInteropTest {
    private static final Pattern IGNORED = Pattern.compile("W: (.*?) in file: (.*), ignoring file");
    private static final Pattern FAILED = Pattern.compile("E: Store Failed, file: (.*):");

    static Vertx vertx;
    static List<Path> ctSeries;
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;
    private final AtomicInteger seqRuns = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        Dcmtk.assumeInstalled();
        PydicomCorpus.assumeInstalled();
        vertx = Vertx.vertx();
        ctSeries = InteropSupport.writeCtSeries(shared.resolve("ct"), 8);
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "implicit VR little endian, -xi, " + UID.ImplicitVRLittleEndian,
            "explicit VR little endian, -xe, " + UID.ExplicitVRLittleEndian,
            "explicit VR big endian, -xb, " + UID.ExplicitVRBigEndian,
            "deflated explicit VR little endian, -xd, " + UID.DeflatedExplicitVRLittleEndian})
    void storescuConvertsNativeFilesToEachSyntax(String name, String proposal, String tsuid) throws Exception {
        List<Path> files = new ArrayList<>();
        for (Path p : PydicomCorpus.files()) if (!isCompressed(p)) files.add(p);
        files.addAll(ctSeries);
        int sent = storeAndCompare(name, files, proposal, tsuid);
        assertThat(sent).as("files sent").isGreaterThan(70);
    }

    /**
     * storescu proposes one compressed syntax per run (its -x option), never the file's own: so one run per
     * compressed syntax of the corpus, with that run's files, and an SCP accepting only that syntax.
     */
    @Test
    void storescuSendsCompressedFilesThrough() throws Exception {
        Map<String, List<Path>> byTs = new TreeMap<>();
        for (Path p : PydicomCorpus.files()) if (isCompressed(p)) byTs.computeIfAbsent(InteropSupport.transferSyntaxOf(p), k -> new ArrayList<>()).add(p);
        int sent = 0;
        for (Map.Entry<String, List<Path>> e : byTs.entrySet()) {
            String option = PROPOSE_COMPRESSED.get(e.getKey());
            if (option == null) {
                System.out.println("storescu cannot propose " + e.getKey() + ": not sent: " + e.getValue());
                continue;
            }
            sent += storeAndCompare(e.getKey(), e.getValue(), option, e.getKey());
        }
        assertThat(byTs.keySet()).as("compressed syntaxes in the corpus").hasSizeGreaterThanOrEqualTo(6);
        assertThat(sent).as("compressed files sent").isGreaterThan(20);
    }

    /** storescu's option proposing each compressed syntax (storescu --help). */
    private static final Map<String, String> PROPOSE_COMPRESSED = Map.of(
            UID.JPEGBaseline8Bit, "-xy", UID.JPEGExtended12Bit, "-xx", UID.JPEGLosslessSV1, "-xs",
            UID.JPEG2000Lossless, "-xv", UID.JPEG2000, "-xw", UID.JPEGLSLossless, "-xt", UID.JPEGLSNearLossless, "-xu",
            UID.RLELossless, "-xr");

    private static boolean isCompressed(Path p) {
        try {
            String ts = InteropSupport.transferSyntaxOf(p);
            return TransferSyntax.isKnown(ts) && TransferSyntax.of(ts).encapsulated();
        } catch (IOException | RuntimeException e) {
            return false; // unreadable here: storescu decides in the native runs
        }
    }

    /** Runs storescu with {@code files} against an SCP accepting only {@code tsuid}; returns how many were sent. */
    private int storeAndCompare(String name, List<Path> files, String proposal, String tsuid) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("received-" + seqRuns.incrementAndGet()));
        AtomicInteger seq = new AtomicInteger();
        ApplicationEntity ae = new ApplicationEntity("MIROIR");
        ae.addTransferCapability(TransferCapability.scp(TransferCapability.ANY, tsuid));
        // Arrival order names the files: the corpus repeats SOP Instance UIDs (one image in several encodings).
        ae.setHandler(TransferCapability.ANY, new FileStoreHandler(vertx, out)
                .naming(rq -> String.format("%04d.dcm", seq.incrementAndGet())));
        DicomServer server = new DicomServer(vertx, new AssociationOptions()).addApplicationEntity(ae);
        int port = server.listen("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        try {
            List<String> args = new ArrayList<>(List.of("-aec", "MIROIR", "-nh", "-R", proposal, "127.0.0.1", String.valueOf(port)));
            files.forEach(f -> args.add(f.toString()));
            Processes.Result r = Dcmtk.run(Duration.ofMinutes(3), "storescu", args);
            assertThat(r.timedOut()).isFalse();

            List<Path> skipped = new ArrayList<>();
            Matcher m = IGNORED.matcher(r.stdout());
            while (m.find()) skipped.add(Path.of(m.group(2)));
            List<String> failed = new ArrayList<>();
            Matcher f = FAILED.matcher(r.stdout());
            while (f.find()) failed.add(f.group(1));
            if (!skipped.isEmpty()) System.out.println(name + ": storescu skipped " + skipped.size() + " files it cannot send: " + skipped);
            assertThat(failed).as("files storescu failed to store\n%s", r.describe()).isEmpty();

            List<Path> sent = files.stream().filter(p -> !skipped.contains(p)).toList();
            List<Path> received;
            try (var s = Files.list(out)) {
                received = s.filter(p -> p.toString().endsWith(".dcm")).sorted(Comparator.naturalOrder()).toList();
            }
            assertThat(received).as("one received file per sent file").hasSize(sent.size());

            List<String> problems = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                Path in = sent.get(i), got = received.get(i);
                String wireTs = InteropSupport.transferSyntaxOf(got);
                assertThat(wireTs).isEqualTo(tsuid);
                List<String> diffs = InteropSupport.differences(InteropSupport.readDataset(in), InteropSupport.readDataset(got), wireTs);
                if (!diffs.isEmpty())
                    problems.add(in + " (" + InteropSupport.transferSyntaxOf(in) + " -> " + wireTs + "):\n    "
                            + String.join("\n    ", diffs.subList(0, Math.min(10, diffs.size()))));
            }
            assertThat(problems).as("data sets that differ after %s", name).isEmpty();
            return sent.size();
        } finally {
            server.close().await(10, TimeUnit.SECONDS);
        }
    }
}
