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
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;
import org.miroir.dicom.testing.Processes;

/**
 * dcmtk storescu processes (one association each) into one {@code storescp --ignore --fork}, which receives every
 * data set completely and discards it. Both advertise {@code pdu} as their maximum receive PDU length.
 */
final class DcmtkStore implements StoreContender {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern SUCCESS = Pattern.compile("Received Store Response \\(Success\\)");

    private final int port;
    private final int pdu;
    private final ManagedProcess scp;

    DcmtkStore(int pdu) {
        this.pdu = pdu;
        this.port = FreePorts.next();
        // --fork: one process per association, so four associations are served concurrently.
        this.scp = Dcmtk.storescp(port, null, "--fork", "--max-pdu", String.valueOf(pdu));
    }

    @Override
    public String name() { return "dcmtk"; }

    @Override
    public long send(List<Path> files, int associations) throws Exception {
        List<List<Path>> shares = StoreContender.deal(files, associations);
        ExecutorService pool = Executors.newFixedThreadPool(associations);
        try {
            long start = System.nanoTime();
            List<Future<Processes.Result>> runs = new ArrayList<>();
            for (List<Path> share : shares) {
                List<String> args = new ArrayList<>(List.of("-v", "-R", "--max-pdu", String.valueOf(pdu),
                        "-aec", "STORESCP", "127.0.0.1", String.valueOf(port)));
                share.forEach(p -> args.add(p.toString()));
                runs.add(pool.submit(() -> Dcmtk.run(RUN_TIMEOUT, "storescu", args)));
            }
            for (int k = 0; k < runs.size(); k++) {
                Processes.Result r = runs.get(k).get();
                r.assertOk();
                int ok = count(SUCCESS.matcher(r.stdout()));
                if (ok != shares.get(k).size())
                    throw new IllegalStateException("storescu stored " + ok + " of " + shares.get(k).size() + ":\n" + r.describe());
            }
            return System.nanoTime() - start;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int count(Matcher m) {
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Override
    public void close() {
        scp.close();
    }
}
