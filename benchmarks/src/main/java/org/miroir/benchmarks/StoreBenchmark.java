package org.miroir.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
    private int warmup = 3000;
    private int pdu = 16384;
    private Path dir;
    private boolean keep;
    private String only;
    private boolean cross;
    private static final String DCMTK = "storescu -> storescp", MIROIR = "Miroir SCU -> Miroir SCP";

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
                        Usage: ops/miroir bench [store] [options]
                          --instances N       instances per measurement (default 1000)
                          --kib K             pixel data per instance in KiB: 512 rows x K columns x 16 bits (default 512)
                          --associations L    comma-separated association counts (default 1,4)
                          --repeats R         measurements per contender and association count (default 3)
                          --warmup N          instances sent by each pair before measuring, cycling over the files
                                              (default 3000: Miroir's JVMs reach their compiled steady state)
                          --pdu BYTES         max PDU length both SCPs and SCUs advertise (default 16384, dcmtk's default)
                          --dir DIR           where the generated files go (default: a temporary folder, removed at the end)
                          --keep              keep the generated files
                          --only NAME         run one pair: dcmtk or miroir
                          --cross             also Miroir SCU -> storescp and storescu -> Miroir SCP (which side is slower)""");
                return false;
            }
            if (a.equals("--keep")) { keep = true; continue; }
            if (a.equals("--cross")) { cross = true; continue; }
            if (k + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value (see --help)");
            String v = args[++k];
            switch (a) {
                case "--instances" -> instances = Options.positive(a, v);
                case "--kib" -> kib = Options.positive(a, v);
                case "--associations" -> associations = Options.positiveList(a, v);
                case "--repeats" -> repeats = Options.positive(a, v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--pdu" -> pdu = Options.positive(a, v);
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

    /** A sender and a receiver measured together. */
    private record Pair(String name, StoreScu scu, StoreScp scp) {}

    private void run() throws Exception {
        if (!Dcmtk.isInstalled()) throw new IllegalStateException("dcmtk is not installed: apt-get install dcmtk");
        boolean temp = dir == null;
        if (temp) dir = Files.createTempDirectory("miroir-bench-");
        List<AutoCloseable> started = new ArrayList<>();
        try {
            SyntheticStudies gen = SyntheticStudies.builder().seed(20261123).instancesPerSeries(instances)
                    .rows(512).columns(kib).build();
            System.out.printf(Locale.ROOT, "Generating %d CT instances of %d KiB pixel data in %s ...%n", instances, kib, dir);
            List<Path> files = gen.writeAll(dir, UID.ExplicitVRLittleEndian);
            List<Path> warm = new ArrayList<>(warmup);
            for (int k = 0; k < warmup; k++) warm.add(files.get(k % files.size()));
            long bytes = 0;
            for (Path f : files) bytes += Files.size(f);
            double mibPerInstance = bytes / (double) files.size() / (1 << 20);

            boolean dcmtk = only == null || only.equals("dcmtk") || cross, miroir = only == null || only.equals("miroir") || cross;
            StoreScu storescu = dcmtk ? add(started, new DcmtkScu(pdu)) : null;
            StoreScp storescp = dcmtk ? add(started, StoreScp.dcmtk(pdu)) : null;
            StoreScu miroirScu = miroir ? add(started, new MiroirScu(pdu)) : null;
            StoreScp miroirScp = miroir ? add(started, StoreScp.miroir(pdu)) : null;
            List<Pair> pairs = new ArrayList<>();
            if (only == null || only.equals("dcmtk")) pairs.add(new Pair(DCMTK, storescu, storescp));
            if (only == null || only.equals("miroir")) pairs.add(new Pair(MIROIR, miroirScu, miroirScp));
            if (cross) {
                pairs.add(new Pair("Miroir SCU -> storescp", miroirScu, storescp));
                pairs.add(new Pair("storescu -> Miroir SCP", storescu, miroirScp));
            }
            for (Pair p : pairs) {
                if (!warm.isEmpty()) p.scu().send(warm, 1, p.scp());
            }
            Map<String, Measurements> results = new LinkedHashMap<>();
            for (int n : associations) {
                for (int r = 1; r <= repeats; r++) {
                    for (Pair p : pairs) {
                        long nanos = p.scu().send(files, n, p.scp());
                        results.computeIfAbsent(p.name() + "/" + n, x -> new Measurements()).add(files.size(), nanos);
                        System.out.printf(Locale.ROOT, "  %-24s %d assoc, run %d: %7.1f instances/s%n",
                                p.name(), n, r, files.size() / (nanos / 1e9));
                    }
                }
            }
            report(pairs, results, files.size(), mibPerInstance);
        } finally {
            for (int k = started.size() - 1; k >= 0; k--) {
                try {
                    started.get(k).close();
                } catch (Exception e) {
                    System.err.println("closing " + started.get(k) + ": " + e);
                }
            }
            if (temp && !keep) Directories.deleteTree(dir);
        }
    }

    private static <T extends AutoCloseable> T add(List<AutoCloseable> started, T c) {
        started.add(c);
        return c;
    }

    private void report(List<Pair> pairs, Map<String, Measurements> results, int count, double mibPerInstance) {
        System.out.printf(Locale.ROOT, "%nC-STORE of %d instances (%.3f MiB each, explicit VR little endian, CT Image Storage), "
                        + "max PDU %d, 127.0.0.1, %d CPUs, Java %s; median of %d runs (min-max, spread):%n",
                count, mibPerInstance, pdu, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), repeats);
        System.out.printf("%-24s %-6s %-26s %s%n", "SCU -> SCP", "assoc", "instances/s", "MiB/s");
        for (Pair p : pairs) {
            for (int n : associations) {
                Measurements m = results.get(p.name() + "/" + n);
                System.out.printf(Locale.ROOT, "%-24s %-6d %-26s %.0f%n", p.name(), n, String.format(Locale.ROOT,
                        "%.0f (%.0f-%.0f, %.0f%%)", m.median(), m.min(), m.max(), m.spreadPercent()), m.median() * mibPerInstance);
            }
        }
        for (int n : associations) {
            Measurements d = results.get(DCMTK + "/" + n), m = results.get(MIROIR + "/" + n);
            if (d != null && m != null)
                System.out.printf(Locale.ROOT, "Miroir/dcmtk, %d association(s): %.2fx%n", n, m.median() / d.median());
        }
        System.out.println("Noise: SCU and SCP share the machine's cores with each other and everything else running;"
                + " spread = (max-min)/median. Ratios within the larger spread are a tie.");
    }

    private StoreBenchmark() {}
}
