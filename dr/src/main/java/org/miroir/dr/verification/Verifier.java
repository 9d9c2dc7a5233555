package org.miroir.dr.verification;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.cluster.jobs.ClusterJob;
import org.miroir.dr.DrMetrics;
import static org.miroir.dr.Stages.await;
import org.miroir.dr.replication.MirrorClient;
import org.miroir.dr.replication.Shipper;
import org.miroir.dr.replication.Watermarks;
import org.miroir.dr.site.SiteLease;
import org.miroir.dr.site.SiteSettings;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.JournalOp;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Backup verification, on the active site (a cluster job): the mirror is checked, not trusted.
 * <ul>
 *   <li>Every entry the mirror acknowledged is checked there soon after (object whole, index row as here); then the
 *       journal is trimmed up to it.</li>
 *   <li>Continuously, at a bounded rate, the whole index is checked again, instance by instance (a copy verified once
 *       may be damaged or lost later), one pass after the other with a pause between them.</li>
 * </ul>
 * Whatever is missing or wrong on the mirror is re-shipped at once and counted; the metrics tell coverage, the
 * mismatches of the pass, and the age of the oldest entry not yet checked. {@link #fullPass} runs a pass on demand
 * (an audit) and reports it.
 */
public final class Verifier implements ClusterJob {
    private static final System.Logger LOG = System.getLogger(Verifier.class.getName());
    private static final int PAGE = 100;

    private final SiteLease lease;
    private final MetadataStore metadata;
    private final MirrorClient mirror;
    private final Shipper repairer;
    private final Watermarks watermarks;
    private final DrMetrics metrics;
    private final SiteSettings.Verification pace;
    private volatile boolean running;
    private Thread thread;
    private String sweepToken;
    private Report sweep = new Report();
    private Instant nextPass = Instant.EPOCH;

    public Verifier(SiteLease lease, MetadataStore metadata, MirrorClient mirror, Shipper repairer, Watermarks watermarks,
            DrMetrics metrics) {
        this.lease = lease;
        this.metadata = metadata;
        this.mirror = mirror;
        this.repairer = repairer;
        this.watermarks = watermarks;
        this.metrics = metrics;
        this.pace = lease.settings().verification();
    }

    /** What a pass found. */
    public static final class Report {
        public long checked, ok, missing, corrupt, metadata, repaired, bytes;
        public final List<String> mismatched = new ArrayList<>();

        long mismatches() {
            return missing + corrupt + metadata;
        }

        public JsonObject toJson() {
            return new JsonObject().put("checked", checked).put("ok", ok).put("missing", missing)
                    .put("corrupt", corrupt).put("metadata", metadata).put("repaired", repaired)
                    .put("mismatchedSopInstanceUids", new JsonArray(mismatched));
        }
    }

    @Override
    public String name() {
        return "verification";
    }

    @Override
    public synchronized void start() {
        if (running) return;
        running = true;
        thread = new Thread(this::loop, "miroir-verifier");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized Future<Void> stop() {
        running = false;
        Thread t = thread;
        if (t == null) return Future.succeededFuture();
        t.interrupt();
        Promise<Void> stopped = Promise.promise();
        new Thread(() -> {
            try {
                t.join(TimeUnit.MINUTES.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.complete();
        }, "miroir-verifier-stop").start();
        return stopped.future();
    }

    private void loop() {
        while (running) {
            try {
                if (!lease.writesAllowed()) {
                    Thread.sleep(1000);
                    continue;
                }
                boolean worked = followJournal();
                if (Instant.now().isAfter(nextPass)) worked |= sweepStep();
                if (!worked) Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!running) return;
                LOG.log(Level.WARNING, "verification against the mirror failed, retried in 5 s: {0}", e.getMessage());
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Checks what the mirror acknowledged since the verified watermark, trims the journal; true when it did work. */
    private boolean followJournal() throws IOException, InterruptedException {
        boolean worked = false;
        Instant oldest = null;
        for (int p = 0; p < metadata.journalPartitions(); p++) {
            String verified = watermarks.verified(p), shipped = watermarks.shipped(p);
            List<JournalEntry> entries = await(metadata.readJournal(p, verified, PAGE));
            if (!entries.isEmpty() && (oldest == null || entries.get(0).recordedAt().isBefore(oldest)))
                oldest = entries.get(0).recordedAt();
            if (shipped == null || shipped.equals(verified) || entries.isEmpty()) continue;
            List<JournalEntry> acked = new ArrayList<>();
            for (JournalEntry e : entries) {
                acked.add(e);
                if (e.position().equals(shipped)) break;
            }
            List<Expected> stores = new ArrayList<>();
            for (JournalEntry e : acked) if (e.op() == JournalOp.STORE) stores.add(Expected.of(e));
            Report r = new Report();
            check(stores, r, true);
            if (r.mismatches() > r.repaired) throw new IOException(r.mismatches() + " mismatches not yet repaired");
            String through = acked.get(acked.size() - 1).position();
            await(watermarks.setVerified(p, through).toCompletionStage());
            await(metadata.trimJournal(p, through));
            worked = true;
        }
        metrics.oldestUnverified.set(oldest == null ? 0 : Math.max(0, Duration.between(oldest, Instant.now()).toSeconds()));
        return worked;
    }

    /** One page of the continuous pass over the index; at its end the pass's figures become the metrics. */
    private boolean sweepStep() throws IOException, InterruptedException {
        Page<InstanceRecord> page = await(metadata.findInstances(Query.builder().limit(PAGE).pageToken(sweepToken).build()));
        long t0 = System.nanoTime();
        check(expected(page.items()), sweep, true);
        metrics.cycleMismatches.set(sweep.mismatches());
        sweepToken = page.nextPageToken();
        if (sweepToken == null) {
            metrics.cycles.inc();
            metrics.lastCycleEnd.setToCurrentTime();
            metrics.coverage.set(sweep.checked == 0 ? 1 : (double) sweep.ok / sweep.checked);
            if (sweep.mismatches() > 0)
                LOG.log(Level.WARNING, "verification pass: {0} of {1} instances missing or wrong on the mirror, {2} "
                        + "repaired", sweep.mismatches(), sweep.checked, sweep.repaired);
            sweep = new Report();
            nextPass = Instant.now().plus(pace.interval());
        }
        throttle(page.items(), t0);
        return true;
    }

    /** Keeps the mirror's reading under the configured rate. */
    private void throttle(List<InstanceRecord> checked, long startNanos) throws InterruptedException {
        long bytes = checked.stream().mapToLong(InstanceRecord::size).sum();
        long minNanos = (long) (bytes * 1e9 / Math.max(1, pace.bytesPerSecond()));
        long sleep = minNanos - (System.nanoTime() - startNanos);
        if (sleep > 0) TimeUnit.NANOSECONDS.sleep(sleep);
    }

    /** A whole pass now (an audit): every instance of the index checked on the mirror, repaired if {@code repair}. */
    public Report fullPass(boolean repair) throws IOException, InterruptedException {
        Report r = new Report();
        String token = null;
        do {
            Page<InstanceRecord> page = await(metadata.findInstances(Query.builder().limit(PAGE).pageToken(token).build()));
            check(expected(page.items()), r, repair);
            token = page.nextPageToken();
        } while (token != null);
        return r;
    }

    private static List<Expected> expected(List<InstanceRecord> records) {
        return records.stream().map(Expected::of).toList();
    }

    private void check(List<Expected> records, Report r, boolean repair) throws IOException {
        if (records.isEmpty()) return;
        JsonArray items = new JsonArray();
        for (Expected rec : records) items.add(rec.toJson());
        long epoch = lease.epoch();
        MirrorClient.Reply reply = mirror.verify(items, epoch);
        if (!reply.ok()) throw new IOException("the mirror refused verification: " + reply.status() + " " + reply.body());
        JsonArray results = new JsonObject(reply.body()).getJsonArray("results");
        for (int i = 0; i < records.size(); i++) {
            Expected rec = records.get(i);
            Verdict v = Verdict.valueOf(results.getString(i));
            r.checked++;
            r.bytes += rec.size();
            metrics.checked.labels(v.name().toLowerCase(java.util.Locale.ROOT)).inc();
            switch (v) {
                case OK -> r.ok++;
                case MISSING -> r.missing++;
                case CORRUPT -> r.corrupt++;
                case METADATA -> r.metadata++;
            }
            if (v == Verdict.OK) continue;
            if (r.mismatched.size() < 1000) r.mismatched.add(rec.sop());
            LOG.log(Level.WARNING, "instance {0} is {1} on the mirror{2}", rec.sop(), v,
                    repair ? ": re-shipping it" : "");
            if (repair && repairer.repair(rec, epoch)) r.repaired++;
        }
    }

}
