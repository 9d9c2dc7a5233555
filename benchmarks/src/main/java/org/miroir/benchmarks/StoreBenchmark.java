package org.miroir.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.miroir.dicom.data.UID;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.SyntheticStudies;

/**
 * Step 1's store benchmark: the same CT instances sent by dcmtk (storescu to storescp --ignore) and by Miroir
 * (SCU to a discarding SCP in its own JVM), over 1 and 4 concurrent associations, side by side in one run on
 * 127.0.0.1. Each measurement is repeated; the runs of the two sides alternate so background noise hits both.
 * Prints instances/s (median, min-max over the repeats) and the ratio Miroir/dcmtk of the medians.
 *
 * <p>Run with {@code ops/miroir bench} (see benchmarks/README.md); {@code --help} lists the options.
 */
public final class StoreBenchmark {
    private int instances = 1000;
    private int kib = 512;
    private int[] associations = {1, 4};
    private int repeats = 3;
    private int warmup = 100;
    private int pdu = 16384;
    private Path dir;
    private boolean keep;
    private String only;

    /** Held so the level sticks: java.util.logging keeps loggers weakly. */
    static final java.util.logging.Logger TOOLKIT_LOG = quietToolkitLog();

    /** The toolkit logs each association at INFO; a benchmark opening many wants only problems. */
    static java.util.logging.Logger quietToolkitLog() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("org.miroir");
        log.setLevel(java.util.logging.Level.WARNING);
        return log;
    }

    public static void main(String[] args) throws Exception {
        StoreBenchmark b = new StoreBenchmark();
        if (!b.parse(args)) return;
        b.run();
    }

    private boolean parse(String[] args) {
        for (int k = 0; k < args.length; k++) {
            String a = args[k];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("""
                        Usage: ops/miroir bench [options]
                          --instances N       instances per measurement (default 1000)
                          --kib K             pixel data per instance in KiB: 512 rows x K columns x 16 bits (default 512)
                          --associations L    comma-separated association counts (default 1,4)
                          --repeats R         measurements per contender and association count (default 3)
                          --warmup N          instances sent by each contender before measuring (default 100)
                          --pdu BYTES         max PDU length both SCPs and SCUs advertise (default 16384, dcmtk's default)
                          --dir DIR           where the generated files go (default: a temporary folder, removed at the end)
                          --keep              keep the generated files
                          --only NAME         run one contender: dcmtk or miroir""");
                return false;
            }
            if (a.equals("--keep")) { keep = true; continue; }
            if (k + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value (see --help)");
            String v = args[++k];
            switch (a) {
                case "--instances" -> instances = positive(a, v);
                case "--kib" -> kib = positive(a, v);
                case "--associations" -> associations = Arrays.stream(v.split(",")).mapToInt(s -> positive(a, s.strip())).toArray();
                case "--repeats" -> repeats = positive(a, v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--pdu" -> pdu = positive(a, v);
                case "--dir" -> dir = Path.of(v);
                case "--only" -> {
                    if (!v.equals("dcmtk") && !v.equals("miroir")) throw new IllegalArgumentException("--only dcmtk or --only miroir");
                    only = v;
                }
                default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
            }
        }
        return true;
    }

    private static int positive(String option, String v) {
        int n = Integer.parseInt(v);
        if (n < 1) throw new IllegalArgumentException(option + " must be at least 1: " + v);
        return n;
    }

    private void run() throws Exception {
        if (!Dcmtk.isInstalled()) throw new IllegalStateException("dcmtk is not installed: apt-get install dcmtk");
        boolean temp = dir == null;
        if (temp) dir = Files.createTempDirectory("miroir-bench-");
        try {
            SyntheticStudies gen = SyntheticStudies.builder().seed(20261123).instancesPerSeries(instances + warmup)
                    .rows(512).columns(kib).build();
            System.out.printf(Locale.ROOT, "Generating %d CT instances of %d KiB pixel data in %s ...%n",
                    instances + warmup, kib, dir);
            List<Path> all = gen.writeAll(dir, UID.ExplicitVRLittleEndian);
            List<Path> warm = all.subList(0, warmup), files = all.subList(warmup, all.size());
            long bytes = 0;
            for (Path f : files) bytes += Files.size(f);
            double mibPerInstance = bytes / (double) files.size() / (1 << 20);

            Map<String, StoreContender> contenders = new LinkedHashMap<>();
            Map<String, Measurements> results = new LinkedHashMap<>();
            try {
                if (only == null || only.equals("dcmtk")) contenders.put("dcmtk", new DcmtkStore(pdu));
                if (only == null || only.equals("miroir")) contenders.put("miroir", MiroirStore.start(pdu));
                for (StoreContender c : contenders.values()) {
                    if (!warm.isEmpty()) c.send(warm, 1);
                }
                for (int n : associations) {
                    for (int r = 1; r <= repeats; r++) {
                        for (StoreContender c : contenders.values()) {
                            long nanos = c.send(files, n);
                            results.computeIfAbsent(c.name() + "/" + n, x -> new Measurements()).add(files.size(), nanos);
                            System.out.printf(Locale.ROOT, "  %-7s %d assoc, run %d: %7.1f instances/s%n",
                                    c.name(), n, r, files.size() / (nanos / 1e9));
                        }
                    }
                }
            } finally {
                for (StoreContender c : contenders.values()) c.close();
            }
            report(results, files.size(), mibPerInstance);
        } finally {
            if (temp && !keep) deleteTree(dir);
        }
    }

    private void report(Map<String, Measurements> results, int count, double mibPerInstance) {
        System.out.printf(Locale.ROOT, "%nC-STORE of %d instances (%.3f MiB each, explicit VR little endian, CT Image Storage), "
                        + "max PDU %d, 127.0.0.1, %d CPUs, Java %s; median of %d runs (min-max):%n",
                count, mibPerInstance, pdu, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), repeats);
        System.out.printf("%-6s %-32s %-32s %s%n", "assoc", "dcmtk inst/s (min-max, spread)", "Miroir inst/s (min-max, spread)",
                "Miroir/dcmtk");
        for (int n : associations) {
            Measurements d = results.get("dcmtk/" + n), m = results.get("miroir/" + n);
            System.out.printf(Locale.ROOT, "%-6d %-32s %-32s %s%n", n, cell(d, mibPerInstance), cell(m, mibPerInstance),
                    d != null && m != null ? String.format(Locale.ROOT, "%.2fx", m.median() / d.median()) : "-");
        }
        System.out.println("Noise: SCU and SCP share the machine's cores with each other and everything else running;"
                + " spread = (max-min)/median. Ratios within the larger spread are a tie.");
    }

    private static String cell(Measurements m, double mibPerInstance) {
        if (m == null) return "-";
        return String.format(Locale.ROOT, "%.0f (%.0f-%.0f, %.0f%%) %.0f MiB/s", m.median(), m.min(), m.max(),
                m.spreadPercent(), m.median() * mibPerInstance);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private StoreBenchmark() {}

    static List<String> javaCommand(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        return cmd;
    }
}
