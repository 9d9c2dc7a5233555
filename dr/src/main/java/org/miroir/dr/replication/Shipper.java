package org.miroir.dr.replication;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.cluster.jobs.ClusterJob;
import org.miroir.dr.DrMetrics;
import static org.miroir.dr.Stages.await;
import org.miroir.dr.site.SiteLease;
import org.miroir.dr.verification.Expected;
import org.miroir.storage.metadata.JournalOp;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.object.ObjectNotFoundException;
import org.miroir.storage.object.ObjectStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Ships one journal partition to the mirror, in order, while this site is active: a cluster job, so exactly one
 * member of the site runs it. Entries go out with up to {@code window} in flight, but an entry never overtakes one it
 * depends on: a change of a study (a delete, a patient or worklist change) waits for everything in flight of that
 * study and holds back what follows, and two stores of one SOP Instance UID (a replaced instance) go one after the
 * other. The watermark advances only over the acknowledged prefix, so an entry is shipped at least once and, the
 * receiver being idempotent, applied once. Failures are retried with a
 * bounded backoff, forever: a mirror that is down for a day resumes from the watermark without loss.
 */
public final class Shipper implements ClusterJob {
    private static final System.Logger LOG = System.getLogger(Shipper.class.getName());
    private static final int BATCH = 500;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final int partition;
    private final SiteLease lease;
    private final MetadataStore metadata;
    private final ObjectStore objects;
    private final MirrorClient mirror;
    private final Watermarks watermarks;
    private final RpoTracker rpo;
    private final DrMetrics metrics;
    private final int window;
    private volatile boolean running;
    private Thread thread;
    private ExecutorService senders;

    public Shipper(int partition, SiteLease lease, MetadataStore metadata, ObjectStore objects, MirrorClient mirror,
            Watermarks watermarks, RpoTracker rpo, DrMetrics metrics, int window) {
        this.partition = partition;
        this.lease = lease;
        this.metadata = metadata;
        this.objects = objects;
        this.mirror = mirror;
        this.watermarks = watermarks;
        this.rpo = rpo;
        this.metrics = metrics;
        this.window = window;
    }

    @Override
    public String name() {
        return "replication-" + partition;
    }

    @Override
    public synchronized void start() {
        if (running) return;
        running = true;
        senders = Executors.newFixedThreadPool(window, r -> new Thread(r, "miroir-ship-" + partition));
        thread = new Thread(this::loop, "miroir-shipper-" + partition);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized Future<Void> stop() {
        running = false;
        Thread t = thread;
        ExecutorService s = senders;
        Promise<Void> stopped = Promise.promise();
        if (t == null) return Future.succeededFuture();
        t.interrupt();
        Thread waiter = new Thread(() -> {
            try {
                t.join(TimeUnit.MINUTES.toMillis(2));
                s.shutdownNow();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.complete();
        }, "miroir-shipper-stop");
        waiter.start();
        return stopped.future();
    }

    private void loop() {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try {
                if (!lease.shipping()) {
                    rpo.caughtUp(partition);
                    Thread.sleep(500);
                    continue;
                }
                List<JournalEntry> batch = await(metadata.readJournal(partition, watermarks.shipped(partition), BATCH));
                if (batch.isEmpty()) {
                    rpo.caughtUp(partition);
                    Thread.sleep(200);
                    continue;
                }
                rpo.pending(partition, batch.get(0).recordedAt(), batch.size());
                String acked = ship(batch, lease.epoch());
                if (acked != null) await(watermarks.setShipped(partition, acked).toCompletionStage());
                backoff = Duration.ofSeconds(1);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!running) return;
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                LOG.log(Level.WARNING, "replication of partition {0} to {1} failed, retried in {2} s: {3}", partition,
                        mirror.currentPeer(), backoff.toSeconds(), cause.getMessage());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * Ships {@code batch} in order with the window; returns the position of the last entry of the acknowledged prefix
     * (null: none), or throws the first failure once the prefix before it is known.
     */
    private String ship(List<JournalEntry> batch, long epoch) throws InterruptedException {
        ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        ArrayDeque<JournalEntry> inFlightEntries = new ArrayDeque<>();
        String acked = null;
        RuntimeException failure = null;
        for (JournalEntry e : batch) {
            if (!running) break;
            while (!inFlight.isEmpty() && (inFlight.size() >= window || dependsOnInFlight(e, inFlightEntries))) {
                JournalEntry done = inFlightEntries.removeFirst();
                try {
                    inFlight.removeFirst().join();
                    acked = done.position();
                } catch (CompletionException ce) {
                    failure = ce.getCause() instanceof RuntimeException re ? re : ce;
                    break;
                }
            }
            if (failure != null) break;
            inFlightEntries.add(e);
            inFlight.add(CompletableFuture.runAsync(() -> shipOne(e, epoch), senders));
        }
        // Whatever is still in flight completes (it may have been applied: the next round re-sends it, idempotently).
        while (!inFlight.isEmpty()) {
            JournalEntry done = inFlightEntries.removeFirst();
            try {
                inFlight.removeFirst().join();
                if (failure == null) acked = done.position();
            } catch (CompletionException ce) {
                if (failure == null) failure = ce.getCause() instanceof RuntimeException re ? re : ce;
            }
        }
        if (failure != null) {
            if (acked != null) {
                try {
                    await(watermarks.setShipped(partition, acked).toCompletionStage());
                } catch (IOException e) {
                    failure.addSuppressed(e);
                }
            }
            throw failure;
        }
        return acked;
    }

    /** Whether {@code e} must wait for an entry in flight: see the class comment. */
    private static boolean dependsOnInFlight(JournalEntry e, ArrayDeque<JournalEntry> inFlight) {
        for (JournalEntry f : inFlight) {
            boolean bothStores = e.op() == JournalOp.STORE && f.op() == JournalOp.STORE;
            if (bothStores ? java.util.Objects.equals(e.sopInstanceUid(), f.sopInstanceUid())
                    : java.util.Objects.equals(e.studyInstanceUid(), f.studyInstanceUid())) return true;
        }
        return false;
    }

    private void shipOne(JournalEntry e, long epoch) {
        try {
            MirrorClient.Reply reply;
            if (e.op() == JournalOp.STORE) {
                reply = shipObject(e.objectKey(), e.size(), e.sha256(), e.recordedAt(), false, epoch);
            } else {
                JsonObject change = change(e);
                reply = change == null ? null : mirror.postChanges(new JsonArray().add(change), epoch);
            }
            if (reply != null && !reply.ok()) {
                if (reply.status() == 422) {
                    // This site's own copy is not what its index says (damaged here): nothing to retry; verification
                    // reports it.
                    metrics.shipErrors.labels("invalid").inc();
                    LOG.log(Level.ERROR, "the mirror refused journal entry {0} as invalid: {1}", e.position(), reply.body());
                } else {
                    metrics.shipErrors.labels(reply.status() == 409 ? "refused" : "failed").inc();
                    throw new IllegalStateException("mirror answered " + reply.status() + ": " + reply.body());
                }
            }
            metrics.shippedEntries.labels(e.op().name()).inc();
            metrics.delay.observe(Math.max(0, Duration.between(e.recordedAt(), Instant.now()).toNanos() / 1e9));
        } catch (IOException ex) {
            metrics.shipErrors.labels("unreachable").inc();
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Ships one stored object; null when it is gone from this site because a later change replaced or deleted it (that
     * change's own entry follows). {@code repair}: the mirror rewrites its copy even if it has one.
     */
    MirrorClient.Reply shipObject(String key, long size, String sha256, Instant storedAt, boolean repair, long epoch)
            throws IOException {
        try (InputStream probe = objects.get(key, 0, 0)) {
            probe.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (ObjectNotFoundException gone) {
            if (await(metadata.referencedObjectKeys(List.of(key))).contains(key)) {
                metrics.shipErrors.labels("source_missing").inc();
                LOG.log(Level.ERROR, "object {0} is indexed on this site but missing: it cannot be replicated", key);
            }
            return null;
        }
        MirrorClient.Reply r = mirror.putObject(key, size, sha256, storedAt, repair, epoch, () -> {
            try {
                return objects.get(key);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        if (r.ok()) metrics.shippedBytes.inc(size);
        return r;
    }

    /** Re-ships an instance whose copy on the mirror verification found missing or wrong. */
    public boolean repair(Expected r, long epoch) throws IOException {
        MirrorClient.Reply reply = shipObject(r.key(), r.size(), r.sha256(), r.storedAt(), true, epoch);
        if (reply != null && reply.ok()) metrics.repairs.inc();
        return reply != null && reply.ok();
    }

    /**
     * The change an entry without an object stands for, with the record it names as it stands now (a later change of
     * it ships the same state again: applying is idempotent); null when the record is gone since.
     */
    private JsonObject change(JournalEntry e) throws IOException {
        JsonObject c = new JsonObject().put("op", e.op().name()).put("study", e.studyInstanceUid())
                .put("series", e.seriesInstanceUid()).put("sop", e.sopInstanceUid());
        return switch (e.op()) {
            case DELETE_STUDY, DELETE_SERIES, DELETE_INSTANCE -> c;
            case PATIENT_UPDATE -> await(metadata.patient(e.patient())).map(p -> c.put("patient", RecordCodec.patient(p)))
                    .orElse(null);
            case PATIENT_MERGE -> await(metadata.patient(e.patient())).map(p -> c.put("patient", RecordCodec.patient(p))
                    .put("prior", RecordCodec.key(e.priorPatient()))).orElse(null);
            case WORKLIST_UPDATE -> await(metadata.worklistItem(e.worklistItemId()))
                    .map(i -> c.put("item", RecordCodec.item(i))).orElse(null);
            case PERFORMED_STEP_UPDATE -> await(metadata.performedStep(e.sopInstanceUid()))
                    .map(s -> c.put("step", RecordCodec.step(s))).orElse(null);
            case STORE -> throw new IllegalArgumentException("a store ships its object");
        };
    }

}
