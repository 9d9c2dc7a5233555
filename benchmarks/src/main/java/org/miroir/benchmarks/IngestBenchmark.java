package org.miroir.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vertx.core.json.JsonObject;

import org.miroir.dicom.data.UID;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.SyntheticStudies;

/**
 * Step 2's ingest benchmark: the same CT instances (Part 10 files generated once) sent by 1 and by 4 concurrent
 * {@code storescu} processes into dcmtk's storescp writing files, Debian's Orthanc and a Miroir node started by
 * {@code ops/miroir run}, side by side in one run on 127.0.0.1. Every measurement starts a fresh archive in an empty
 * directory, warms it up, sends, then checks that the archive holds every instance; the repeats are interleaved
 * (repeat, then process count, then archive) so background noise hits every archive. Prints instances/s and MB/s
 * (median, min-max, spread) and Miroir's ratio to each other archive.
 *
 * <p>Run with {@code ops/miroir bench ingest} (see benchmarks/README.md); {@code --help} lists the options.
 */
public final class IngestBenchmark {
    /** Miroir's targets (issue 3): at least this many times each peer's instances/s. */
    private static final Map<String, Double> TARGETS = Map.of("Orthanc", 2.0, "storescp", 0.7);
    private static final int STUDIES_PER_PATIENT = 2, SERIES_PER_STUDY = 2, PATIENTS = 4;

    private int instances = 4000;
    private int kib = 512;
    private int[] processes = {1, 4};
    private int repeats = 3;
    private int warmup = 200;
    private int pdu = 16384;
    private Path dir;
    private boolean keep;
    private final List<String> targets = new ArrayList<>(List.of("storescp", "orthanc", "miroir"));
    private int[] clusters = {};
    private final Map<String, Path> nodeConfigs = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        IngestBenchmark b = new IngestBenchmark();
        if (!b.parse(args)) return;
        b.run();
    }

    private boolean parse(String[] args) {
        for (int k = 0; k < args.length; k++) {
            String a = args[k];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("""
                        Usage: ops/miroir bench ingest [options]
                          --instances N       instances per measurement (default 4000)
                          --kib K             pixel data per instance in KiB: 512 rows x K columns x 16 bits (default 512)
                          --processes L       comma-separated counts of concurrent storescu processes (default 1,4)
                          --repeats R         measurements per archive and process count (default 3)
                          --warmup N          instances sent (1 process, unmeasured) to each fresh archive first (default 200)
                          --pdu BYTES         max PDU length every archive and storescu announce (default 16384)
                          --targets LIST      archives to run: storescp,orthanc,miroir (default all three)
                          --node NAME=FILE    one more Miroir archive: a node started with that JSON configuration
                          --cluster LIST      more Miroir archives: clusters of these sizes (e.g. 1,2,3) on Cassandra +
                                              Ceph (MIROIR_CASSANDRA, MIROIR_CEPH_CONF) behind HAProxy
                                              (e.g. another storage driver; ${run} in it becomes a token unique
                                              to each measurement); repeatable
                          --dir DIR           where files and archives go (default: a temporary folder, removed at the end)
                          --keep              keep the generated files""");
                return false;
            }
            if (a.equals("--keep")) { keep = true; continue; }
            if (k + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value (see --help)");
            String v = args[++k];
            switch (a) {
                case "--instances" -> instances = Options.positive(a, v);
                case "--kib" -> kib = Options.positive(a, v);
                case "--processes" -> processes = Options.positiveList(a, v);
                case "--repeats" -> repeats = Options.positive(a, v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--pdu" -> pdu = Options.positive(a, v);
                case "--targets" -> {
                    targets.clear();
                    for (String t : v.split(",")) {
                        if (!List.of("storescp", "orthanc", "miroir").contains(t.strip()))
                            throw new IllegalArgumentException("--targets takes storescp, orthanc, miroir: " + t);
                        targets.add(t.strip());
                    }
                }
                case "--node" -> {
                    int eq = v.indexOf('=');
                    if (eq < 1) throw new IllegalArgumentException("--node NAME=CONFIG.json, got " + v);
                    nodeConfigs.put(v.substring(0, eq), Path.of(v.substring(eq + 1)));
                }
                case "--dir" -> dir = Path.of(v);
                case "--cluster" -> clusters = Options.positiveList(a, v);
                default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
            }
        }
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be at least 0");
        return true;
    }

    private List<Contender> contenders() throws IOException {
        List<Contender> list = new ArrayList<>();
        if (targets.contains("storescp")) list.add(Contender.storescp());
        if (targets.contains("orthanc")) {
            if (!OrthancArchive.isInstalled()) throw new IllegalStateException("Orthanc is not installed: apt-get install orthanc");
            list.add(Contender.orthanc());
        }
        if (targets.contains("miroir")) list.add(Contender.miroir("Miroir (embedded)", "{}"));
        for (int n : clusters) list.add(ClusterArchive.contender(n));
        for (Map.Entry<String, Path> e : nodeConfigs.entrySet()) {
            String config = Files.readString(e.getValue());
            new JsonObject(config.replace("${run}", "x")); // a broken file fails now, not after an hour of runs
            list.add(Contender.miroir(e.getKey(), config));
        }
        return list;
    }

    private void run() throws Exception {
        if (!Dcmtk.isInstalled()) throw new IllegalStateException("dcmtk is not installed: apt-get install dcmtk");
        List<Contender> contenders = contenders();
        boolean temp = dir == null;
        if (temp) dir = Files.createTempDirectory("miroir-ingest-");
        String loadBefore = Machine.loadAverage();
        System.out.println("Machine: " + Machine.describe() + "; load average before: " + loadBefore);
        try (DcmtkScu storescu = new DcmtkScu(pdu)) {
            int perSeries = (instances + PATIENTS * STUDIES_PER_PATIENT * SERIES_PER_STUDY - 1)
                    / (PATIENTS * STUDIES_PER_PATIENT * SERIES_PER_STUDY);
            SyntheticStudies measured = SyntheticStudies.builder().seed(20261124).patients(PATIENTS)
                    .studiesPerPatient(STUDIES_PER_PATIENT).seriesPerStudy(SERIES_PER_STUDY).instancesPerSeries(perSeries)
                    .rows(512).columns(kib).build();
            System.out.printf(Locale.ROOT, "Generating %d + %d (warm-up) CT instances of %d KiB pixel data in %s ...%n",
                    instances, warmup, kib, dir);
            List<Path> files = write(measured, measured.instances().subList(0, instances), dir.resolve("files"));
            List<Path> warm = warmup == 0 ? List.of() : write(SyntheticStudies.builder().seed(20261125)
                    .instancesPerSeries(warmup).rows(512).columns(kib).build(), null, dir.resolve("warmup"));
            long bytes = 0;
            for (Path f : files) bytes += Files.size(f);
            double mbPerInstance = bytes / (double) files.size() / 1e6;

            Map<String, Measurements> results = new LinkedHashMap<>();
            for (int r = 1; r <= repeats; r++) {
                for (int n : processes) {
                    for (Contender c : contenders) {
                        Run run = measure(c, storescu, warm, files, n, dir.resolve("run"));
                        results.computeIfAbsent(c.name() + "/" + n, x -> new Measurements()).add(files.size(), run.nanos());
                        double rate = files.size() / (run.nanos() / 1e9);
                        System.out.printf(Locale.ROOT, "  %-20s %d process(es), run %d: %7.1f instances/s %6.1f MB/s"
                                + "  (load %s)%s%n", c.name(), n, r, rate, rate * mbPerInstance, Machine.loadAverage(),
                                run.profile() == null ? "" : "\n    " + run.profile());
                    }
                }
            }
            report(contenders, results, files.size(), mbPerInstance, loadBefore);
        } finally {
            if (temp && !keep) Directories.deleteTree(dir);
            else Directories.deleteTree(dir.resolve("run"));
        }
    }

    /** Writes {@code which} (all when null) of {@code gen}'s instances to {@code into}, explicit VR little endian. */
    private static List<Path> write(SyntheticStudies gen, List<SyntheticStudies.Instance> which, Path into) throws IOException {
        Files.createDirectories(into);
        List<Path> out = new ArrayList<>();
        for (SyntheticStudies.Instance i : which == null ? gen.instances() : which) {
            Path f = into.resolve(i.sopInstanceUid() + ".dcm");
            gen.write(i, f, UID.ExplicitVRLittleEndian);
            out.add(f);
        }
        return out;
    }

    /**
     * One measurement: a fresh archive in an empty {@code runDir}, the warm-up files on one association, then the
     * timed send over {@code n} storescu processes; fails unless the archive then holds every instance sent.
     * The archive is stopped and its directory removed afterwards.
     */
    /** One timed send, and for a Miroir node where its time went ({@link MiroirNode#storeProfile()}). */
    private record Run(long nanos, String profile) {}

    private Run measure(Contender c, DcmtkScu storescu, List<Path> warm, List<Path> files, int n, Path runDir)
            throws Exception {
        Directories.deleteTree(runDir);
        Files.createDirectories(runDir);
        try (Archive archive = c.starter().start(runDir, pdu)) {
            if (!warm.isEmpty()) storescu.send(warm, 1, archive);
            long nanos = storescu.send(files, n, archive);
            long held = archive.storedInstances(), expected = warm.size() + files.size();
            if (held != expected)
                throw new IllegalStateException(c.name() + " holds " + held + " instances after storing " + expected);
            return new Run(nanos, archive instanceof MiroirNode node ? node.storeProfile() : null);
        } finally {
            Directories.deleteTree(runDir);
        }
    }

    private void report(List<Contender> contenders, Map<String, Measurements> results, int count, double mbPerInstance,
                        String loadBefore) {
        System.out.printf(Locale.ROOT, "%nIngest of %d CT instances (%.3f MB each, explicit VR little endian) by storescu "
                        + "(TCP_NODELAY=1), max PDU %d, 127.0.0.1; every archive fresh per run and checked to hold every "
                        + "instance; median of %d runs (min-max, spread):%n", count, mbPerInstance, pdu, repeats);
        System.out.printf("%-20s %-10s %-26s %s%n", "archive", "processes", "instances/s", "MB/s");
        for (Contender c : contenders) {
            for (int n : processes) {
                Measurements m = results.get(c.name() + "/" + n);
                System.out.printf(Locale.ROOT, "%-20s %-10d %-26s %.0f%n", c.name(), n, String.format(Locale.ROOT,
                        "%.0f (%.0f-%.0f, %.0f%%)", m.median(), m.min(), m.max(), m.spreadPercent()), m.median() * mbPerInstance);
            }
        }
        for (Contender miroir : contenders) {
            if (!miroir.isMiroir()) continue;
            for (Contender peer : contenders) {
                if (peer == miroir) continue;
                for (int n : processes) {
                    double ratio = results.get(miroir.name() + "/" + n).median() / results.get(peer.name() + "/" + n).median();
                    Double target = peer.isMiroir() ? null : TARGETS.get(peer.name());
                    System.out.printf(Locale.ROOT, "%s / %s, %d process(es): %.2fx%s%n", miroir.name(), peer.name(), n, ratio,
                            target == null ? "" : String.format(Locale.ROOT, " (target >= %.1fx: %s)", target,
                                    ratio >= target ? "met" : "MISSED"));
                }
            }
        }
        System.out.println("Machine: " + Machine.describe() + "; load average (1, 5, 15 min) before: " + loadBefore
                + ", after: " + Machine.loadAverage());
        System.out.println("Noise: senders and archives share the machine's cores with each other and with everything"
                + " else running; spread = (max-min)/median. Ratios within the larger spread are a tie.");
    }

    private IngestBenchmark() {}
}
