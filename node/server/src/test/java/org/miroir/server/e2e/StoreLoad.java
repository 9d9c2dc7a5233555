package org.miroir.server.e2e;

import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.Processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Steady C-STORE load through a port: {@code senders} threads, each running one storescu process at a time, each
 * process one association sending one batch of files under a calling AE title of its own (so a node's log tells
 * which associations it served). Runs until {@link #stop()} or until the batches run out.
 */
final class StoreLoad implements AutoCloseable {
    /** One storescu association: its calling AE, its files, what storescu reported for each, its output's end. */
    record Batch(String callingAe, List<Path> files, int exitCode, Map<Path, String> results, String output) {
        boolean succeeded() {
            return exitCode == 0 && files.stream().allMatch(f -> "Success".equals(results.get(f)));
        }

        /**
         * Every file is in the archive now: stored (Success), or already there from an earlier attempt (the duplicate
         * policy's Warning: the stored copy is kept).
         */
        boolean allStored() {
            return exitCode == 0 && files.stream().allMatch(f -> "Success".equals(results.get(f))
                    || "Warning".equals(results.get(f)));
        }

        /** The files storescu reported stored (acknowledged with Success). */
        List<Path> acknowledged() {
            return files.stream().filter(f -> "Success".equals(results.get(f))).toList();
        }
    }

    private final int port;
    private final ConcurrentLinkedQueue<List<Path>> pending;
    private final List<Batch> done = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final ExecutorService senders;
    private final String prefix;
    private final Duration pause;

    /**
     * Starts sending {@code files} in batches of {@code batchSize} through {@code port}; each sender waits
     * {@code pause} between its batches (a steady load that lasts, rather than one burst).
     */
    StoreLoad(int port, List<Path> files, int batchSize, int senders, String prefix, Duration pause) {
        this.port = port;
        this.prefix = prefix;
        this.pause = pause;
        this.pending = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < files.size(); i += batchSize)
            pending.add(List.copyOf(files.subList(i, Math.min(files.size(), i + batchSize))));
        this.senders = Executors.newFixedThreadPool(senders);
        for (int s = 1; s <= senders; s++) {
            int sender = s;
            this.senders.execute(() -> send(sender));
        }
    }

    private void send(int sender) {
        int n = 0;
        List<Path> batch;
        while (!stopping.get() && (batch = pending.poll()) != null) {
            String aet = String.format("%sS%dB%03d", prefix, sender, ++n);
            List<String> args = new ArrayList<>(List.of("-v", "-aet", aet, "-aec", ArchiveNode.AE_TITLE, "-nh", "-R",
                    "127.0.0.1", String.valueOf(port)));
            batch.forEach(f -> args.add(f.toString()));
            Processes.Result r = Dcmtk.run(Duration.ofMinutes(2), "storescu", args);
            String out = r.stdout() + r.stderr();
            done.add(new Batch(aet, batch, r.timedOut() ? -1 : r.exitCode(), Scu.storeResults(r.stdout()),
                    out.substring(Math.max(0, out.length() - 1500))));
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Batches not started yet. */
    int pendingBatches() {
        return pending.size();
    }

    /** Batches finished so far. */
    List<Batch> batches() {
        return List.copyOf(done);
    }

    /** Lets the batches in progress finish, starts no more; returns every finished batch. */
    List<Batch> stop() throws InterruptedException {
        stopping.set(true);
        senders.shutdown();
        if (!senders.awaitTermination(3, TimeUnit.MINUTES)) throw new AssertionError("storescu senders did not finish");
        return batches();
    }

    /** Waits until every batch was sent. */
    List<Batch> finish() throws InterruptedException {
        senders.shutdown();
        if (!senders.awaitTermination(5, TimeUnit.MINUTES)) throw new AssertionError("storescu senders did not finish");
        return batches();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
