package org.miroir.dr;

import io.prometheus.client.CollectorRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.cluster.config.SharedConfig;
import org.miroir.cluster.config.SharedSection;
import org.miroir.cluster.jobs.ClusterJobs;
import org.miroir.cluster.jobs.PeriodicJob;
import org.miroir.dr.replication.MirrorClient;
import org.miroir.dr.replication.Receiver;
import org.miroir.dr.replication.ReplicaIndexer;
import org.miroir.dr.replication.ReplicationTls;
import org.miroir.dr.replication.RpoTracker;
import org.miroir.dr.replication.Shipper;
import org.miroir.dr.replication.Watermarks;
import org.miroir.dr.site.SiteLease;
import org.miroir.dr.site.SiteMemory;
import org.miroir.dr.site.SiteRole;
import org.miroir.dr.site.SiteSettings;
import org.miroir.dr.verification.Verifier;
import org.miroir.dr.witness.WitnessClient;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.JournalOp;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.object.ObjectStore;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.miroir.dr.Stages.await;

/**
 * A node's part in the pair of sites: its copy of the site lease (and so whether it accepts writes), the receiver of
 * what the other site ships, and the cluster jobs that ship this site's journal, verify the mirror and trim the
 * journal. Without a {@code site} configuration it is {@link #none()}: always writable, nothing shipped.
 */
public final class DisasterRecovery {
    private static final int SHIP_WINDOW = 8;

    private final Vertx vertx;
    private final SiteSettings site;
    private final MetadataStore metadata;
    private final SiteMemory memory;
    private final Watermarks watermarks;
    private final SharedSection drills;
    private final DrMetrics metrics;
    private final RpoTracker rpo = new RpoTracker();
    private SiteLease lease;
    private Receiver receiver;
    private Verifier verifier;
    private long gaugeTimer = -1;

    private DisasterRecovery(Vertx vertx, SiteSettings site, MetadataStore metadata, SharedConfig shared,
            CollectorRegistry registry) {
        this.vertx = vertx;
        this.site = site;
        this.metadata = metadata;
        this.memory = site == null ? null : new SiteMemory(shared);
        this.watermarks = site == null ? null : new Watermarks(shared);
        this.drills = site == null ? null : shared.section("drill");
        this.metrics = site == null ? null : new DrMetrics(registry);
    }

    /** An archive without a mirror. */
    public static DisasterRecovery none() {
        return new DisasterRecovery(null, null, null, null, null);
    }

    /** Declares this node's part (its configuration sections); {@link #start} it once the shared configuration loaded. */
    public static DisasterRecovery of(Vertx vertx, SiteSettings site, MetadataStore metadata, SharedConfig shared,
            CollectorRegistry registry) {
        if (site == null) return none();
        site.requireRpoAbove(metadata.journalHoldBack());
        return new DisasterRecovery(vertx, site, metadata, shared, registry);
    }

    /**
     * Learns the role from the witness, starts the receiver on {@code bindHost} (when this site receives) and
     * registers the shipping, verification and journal-trim jobs.
     */
    public Future<Void> start(String bindHost, ObjectStore objects, ClusterJobs jobs, ReplicaIndexer indexer) {
        if (site == null) return Future.succeededFuture();
        metrics.rpoObjective.set(site.rpo().toSeconds());
        metrics.rtoObjective.set(site.rto().toSeconds());
        WitnessClient witness = new WitnessClient(vertx, site.witness(), site.lease().dividedBy(4), null);
        lease = new SiteLease(vertx, site, witness, memory, System::nanoTime);
        Future<Void> started = lease.start();
        if (site.replicationPort() > 0) {
            receiver = new Receiver(vertx, lease, indexer, metadata, objects, metrics);
            started = started.compose(v -> receiver.listen(bindHost, site.replicationPort(),
                    ReplicationTls.server(site.tls()))).mapEmpty();
        }
        return started.compose(v -> vertx.executeBlocking(() -> {
            if (!site.peers().isEmpty()) {
                MirrorClient mirror = new MirrorClient(site.peers(), site.id(), ReplicationTls.client(site.tls()),
                        Duration.ofSeconds(30));
                Shipper first = null;
                for (int p = 0; p < metadata.journalPartitions(); p++) {
                    Shipper s = new Shipper(p, lease, metadata, objects, mirror, watermarks, rpo, metrics, SHIP_WINDOW);
                    if (first == null) first = s;
                    Shipper shipper = s;
                    vertx.runOnContext(x -> jobs.register(shipper));
                }
                verifier = new Verifier(lease, metadata, mirror, first, watermarks, metrics);
                vertx.runOnContext(x -> jobs.register(verifier));
            }
            return null;
        }, false)).map(v -> {
            jobs.register(new PeriodicJob("mirror-journal-trim", vertx, Duration.ofSeconds(10), this::trimMirrorJournal,
                    jobs.runs()));
            gaugeTimer = vertx.setPeriodic(1000, id -> updateGauges());
            updateGauges();
            return null;
        });
    }

    public boolean enabled() {
        return site != null;
    }

    /** Whether this node may accept a write now (always, without a mirror). */
    public boolean writesAllowed() {
        return site == null || lease.writesAllowed();
    }

    public SiteRole role() {
        return site == null ? SiteRole.ACTIVE : lease.role();
    }

    public SiteLease lease() {
        return lease;
    }

    private void updateGauges() {
        SiteRole role = lease.role();
        for (SiteRole r : SiteRole.values()) metrics.role.labels(r.name()).set(r == role ? 1 : 0);
        metrics.epoch.set(lease.epoch());
        metrics.leaseRemaining.set(lease.remaining().toMillis() / 1000.0);
        metrics.witnessReachable.set(lease.witnessReachable() ? 1 : 0);
        metrics.rpo.set(lease.shipping() ? rpo.rpo(Instant.now()).toMillis() / 1000.0 : 0);
        metrics.lagEntries.set(lease.shipping() ? rpo.pendingEntries() : 0);
        String rto = drills.entries().get("rtoSeconds"), lost = drills.entries().get("lostInstances");
        if (rto != null) metrics.drillRto.set(Double.parseDouble(rto));
        if (lost != null) metrics.drillLost.set(Double.parseDouble(lost));
    }

    /** The mirror's own journal holds only what was replicated to it: nothing will ever ship it, so it is trimmed. */
    private Future<?> trimMirrorJournal() {
        if (lease.role() != SiteRole.PASSIVE) return Future.succeededFuture();
        return vertx.executeBlocking(() -> {
            for (int p = 0; p < metadata.journalPartitions(); p++) {
                List<JournalEntry> entries;
                while (lease.role() == SiteRole.PASSIVE
                        && !(entries = await(metadata.readJournal(p, null, 10_000))).isEmpty()) {
                    await(metadata.trimJournal(p, entries.get(entries.size() - 1).position()));
                }
            }
            return null;
        }, false);
    }

    /** This node's view, for the admin API. */
    public JsonObject status() {
        if (site == null) return new JsonObject().put("mirrored", false);
        JsonObject w = new JsonObject();
        for (int p = 0; p < metadata.journalPartitions(); p++)
            w.put(Integer.toString(p), new JsonObject().put("shipped", watermarks.shipped(p))
                    .put("verified", watermarks.verified(p)));
        return new JsonObject().put("mirrored", true).put("site", site.id()).put("role", lease.role().name())
                .put("epoch", lease.epoch()).put("holder", lease.holder())
                .put("leaseRemainingMillis", lease.remaining().toMillis())
                .put("witnessReachable", lease.witnessReachable())
                .put("rpoSeconds", lease.shipping() ? rpo.rpo(Instant.now()).toMillis() / 1000.0 : 0)
                .put("rpoObjectiveSeconds", site.rpo().toSeconds()).put("rtoObjectiveSeconds", site.rto().toSeconds())
                .put("heldEpoch", memory.heldEpoch()).put("steppedDown", memory.steppedDown())
                .put("receiverPort", receiver == null ? -1 : receiver.actualPort()).put("watermarks", w);
    }

    /**
     * The journal entries this site wrote that the mirror never acknowledged (after the shipped watermark): what a
     * former active site holds alone after a failover. At most {@code limit} entries.
     */
    public Future<JsonObject> unreplicatedTail(int limit) {
        return vertx.executeBlocking(() -> {
            JsonArray entries = new JsonArray();
            long stores = 0;
            for (int p = 0; p < metadata.journalPartitions() && entries.size() < limit; p++) {
                for (JournalEntry e : await(metadata.readJournal(p, watermarks.shipped(p), Math.min(limit, 10_000)))) {
                    if (entries.size() >= limit) break;
                    if (e.op() == JournalOp.STORE) stores++;
                    entries.add(new JsonObject().put("op", e.op().name()).put("study", e.studyInstanceUid())
                            .put("series", e.seriesInstanceUid()).put("sop", e.sopInstanceUid())
                            .put("recordedAt", e.recordedAt().toString()));
                }
            }
            metrics.tail.set(entries.size());
            return new JsonObject().put("site", site.id()).put("entries", entries).put("stores", stores)
                    .put("complete", entries.size() < limit);
        }, false);
    }

    /** An audit: the whole index checked on the mirror now ({@code repair}: what is wrong is re-shipped). */
    public Future<Verifier.Report> verifyNow(boolean repair) {
        if (verifier == null) return Future.failedFuture(new IllegalStateException("this site ships to no mirror"));
        if (!lease.shipping()) return Future.failedFuture(new IllegalStateException("only the active site verifies its mirror"));
        return vertx.executeBlocking(() -> verifier.fullPass(repair), false);
    }

    /** Planned switch, on the active site: stop writing, give the lease up (the journal's last entries still ship). */
    public Future<Boolean> release() {
        return lease.release();
    }

    /** Planned switch, on the mirror: ask for the lease now. */
    public Future<Void> claim() {
        return lease.claim();
    }

    /**
     * Failback, on the former active site once its tail is saved elsewhere: it becomes the mirror, receiving what the
     * active site ships; its own unreplicated tail is forgotten (its shipped watermark moved to the journal's end).
     */
    public Future<Void> becomeMirror() {
        return vertx.executeBlocking(() -> {
            for (int p = 0; p < metadata.journalPartitions(); p++) {
                List<JournalEntry> entries;
                while (!(entries = await(metadata.readJournal(p, watermarks.shipped(p), 10_000))).isEmpty()) {
                    String last = entries.get(entries.size() - 1).position();
                    await(watermarks.setShipped(p, last).toCompletionStage());
                    await(watermarks.setVerified(p, last).toCompletionStage());
                    await(metadata.trimJournal(p, last));
                }
            }
            metrics.tail.set(0);
            return null;
        }, false).compose(v -> memory.stepDown());
    }

    /** Records a drill's outcome (every node exports it). */
    public Future<Void> recordDrill(double rtoSeconds, long lostInstances) {
        return drills.put("rtoSeconds", Double.toString(rtoSeconds))
                .compose(v -> drills.put("lostInstances", Long.toString(lostInstances)));
    }

    public Future<Void> stop() {
        if (site == null) return Future.succeededFuture();
        if (gaugeTimer != -1) vertx.cancelTimer(gaugeTimer);
        lease.stop();
        return receiver == null ? Future.succeededFuture() : receiver.close();
    }
}
