package org.miroir.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.Processes;

/**
 * One {@code storescu -R} process per association (TCP_NODELAY=1, like every dcmtk process of the harness), each
 * sending its share of the files on one association; {@code -R} proposes only the presentation contexts needed.
 */
final class DcmtkScu implements StoreScu {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern SUCCESS = Pattern.compile("Received Store Response \\(Success\\)");

    private final int pdu;

    DcmtkScu(int pdu) { this.pdu = pdu; }

    @Override
    public String name() { return "storescu"; }

    @Override
    public long send(List<Path> files, int associations, StoreScp scp) throws Exception {
        List<List<Path>> shares = StoreScu.deal(files, associations);
        ExecutorService pool = Executors.newFixedThreadPool(associations);
        try {
            long start = System.nanoTime();
            List<Future<Processes.Result>> runs = new ArrayList<>();
            for (List<Path> share : shares) {
                List<String> args = new ArrayList<>(List.of("storescu", "-v", "-R", "--max-pdu", String.valueOf(pdu),
                        "-aec", scp.aeTitle(), "127.0.0.1", String.valueOf(scp.port())));
                share.forEach(p -> args.add(p.toString()));
                runs.add(pool.submit(() -> Processes.run(args, Dcmtk.ENV, RUN_TIMEOUT, true, outputLimit(share.size()))));
            }
            for (Future<Processes.Result> run : runs) run.get();
            long nanos = System.nanoTime() - start;
            for (int k = 0; k < runs.size(); k++) {
                Processes.Result r = runs.get(k).get().assertOk();
                int ok = count(SUCCESS.matcher(r.stdout()));
                if (ok != shares.get(k).size())
                    throw new IllegalStateException("storescu stored " + ok + " of " + shares.get(k).size() + "; its output ends:\n"
                            + r.stdout().substring(Math.max(0, r.stdout().length() - 4000)));
            }
            return nanos;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Enough of storescu's verbose output to count every response (about 300 bytes per file; Dcmtk.run keeps only
     * the last MiB, which thousands of files overflow), bounded.
     */
    private static int outputLimit(int files) {
        return (int) Math.min(64L << 20, Math.max(Processes.MAX_OUTPUT_BYTES, 1024L * files));
    }

    private static int count(Matcher m) {
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Override
    public void close() {}
}
