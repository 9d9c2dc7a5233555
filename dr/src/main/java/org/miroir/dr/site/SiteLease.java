package org.miroir.dr.site;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.miroir.dr.witness.Lease;
import org.miroir.dr.witness.WitnessClient;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * This node's copy of its site's lease, and so its role. Every node of a site runs one: it renews the lease at the
 * witness every quarter of the lease (any node of the holding site may renew: the witness knows sites, not nodes),
 * and it asks for the lease when its site may take it (first start as the active site, the active site's lease
 * expired, or an operator's claim). A renewal never takes the lease: once a node of the site released it, the other
 * nodes' renewals are refused and they step down too.
 *
 * <p><b>Fencing.</b> The node counts its lease from <em>before</em> it sent the renewal that was granted, and ends it
 * early: {@code duration x (1 - CLOCK_RATE_TOLERANCE) - SAFETY}. The witness counts the same lease from when the
 * request <em>arrived</em>. So, as long as the two monotonic clocks run at rates within the tolerance of each other,
 * this node stops accepting writes before the witness can hand the lease to the other site, whatever the network
 * delays: there is never a moment when both sites accept writes. A node that cannot reach the witness fences itself
 * when its copy runs out, even if its site still holds the lease.
 */
public final class SiteLease {
    /** Two monotonic clocks may drift apart by at most this fraction of the lease (NTP keeps them far closer). */
    static final double CLOCK_RATE_TOLERANCE = 0.05;
    /** Time lost between checking the lease and acting on it (a GC pause, a slow disk) that the margin covers. */
    static final Duration SAFETY = Duration.ofMillis(500);
    private static final System.Logger LOG = System.getLogger(SiteLease.class.getName());

    private final Vertx vertx;
    private final SiteSettings site;
    private final WitnessClient witness;
    private final LongSupplier nanoClock;
    private final SiteMemory memory;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile long epoch;
    private volatile String holder;
    private volatile long validUntilNanos;
    private volatile SiteRole role;
    private volatile boolean witnessReachable;
    private volatile boolean claimRequested;
    private long timer = -1;

    public SiteLease(Vertx vertx, SiteSettings site, WitnessClient witness, SiteMemory memory, LongSupplier nanoClock) {
        this.vertx = vertx;
        this.site = site;
        this.witness = witness;
        this.memory = memory;
        this.nanoClock = nanoClock;
        this.validUntilNanos = nanoClock.getAsLong();
        this.role = SiteRole.PASSIVE;
    }

    /** Asks the witness once (so the role is known before the node serves), then every quarter of the lease. */
    public Future<Void> start() {
        return tick().onComplete(ar -> timer = vertx.setPeriodic(Math.max(250, site.lease().toMillis() / 4),
                id -> tick()));
    }

    public void stop() {
        if (timer != -1) vertx.cancelTimer(timer);
    }

    /** Whether this node may accept a write now: its site holds the lease and this node's copy of it still runs. */
    public boolean writesAllowed() {
        return holder != null && holder.equals(site.id()) && nanoClock.getAsLong() < validUntilNanos
                && !releasedByTheSite();
    }

    /**
     * Whether another node of this site released the lease this node still holds a copy of: the site's memory (shared,
     * its changes pushed to every node) says so before this node's next renewal is refused, and a write acknowledged
     * in between would miss the hand-over.
     */
    private boolean releasedByTheSite() {
        return memory.steppedDown() && memory.heldEpoch() >= epoch;
    }

    /**
     * Whether this site's journal may still be shipped: while it holds the lease, and after it released it in a planned
     * switch until another site takes it (the hand-over ships the last writes before the other site becomes active).
     */
    public boolean shipping() {
        return writesAllowed() || ((holder == null || holder.equals(site.id())) && memory.steppedDown()
                && memory.heldEpoch() == epoch);
    }

    /**
     * ACTIVE while writes are allowed; FENCED while its site holds the lease but this node's copy ran out (it cannot
     * reach the witness), or after another site took the lease over from this one (a failover: until a failback
     * re-synchronises it); PASSIVE otherwise (the mirror).
     */
    public SiteRole role() {
        if (writesAllowed()) return SiteRole.ACTIVE;
        if (releasedByTheSite()) return SiteRole.PASSIVE;
        if (site.id().equals(holder)) return SiteRole.FENCED;
        if (memory.heldEpoch() > 0 && !memory.steppedDown()) return SiteRole.FENCED;
        return SiteRole.PASSIVE;
    }

    /** The highest fencing epoch this node has seen. */
    public long epoch() { return epoch; }

    public String holder() { return holder; }

    public boolean witnessReachable() { return witnessReachable; }

    /** How long this node's copy of the lease still runs (zero when it does not hold it). */
    public Duration remaining() {
        return writesAllowed() ? Duration.ofNanos(validUntilNanos - nanoClock.getAsLong()) : Duration.ZERO;
    }

    public SiteSettings settings() { return site; }

    /** The operator's claim (failback): ask for the lease at the next tick even if this site is the passive one. */
    public Future<Void> claim() {
        claimRequested = true;
        return tick();
    }

    /**
     * Gives the lease up at the witness (a planned switch, once the mirror is verified): this node refuses writes at
     * once, and the site remembers it stepped down in order, so it serves as the mirror rather than staying fenced.
     */
    public Future<Boolean> release() {
        long known = epoch;
        validUntilNanos = nanoClock.getAsLong();
        return memory.stepDown().compose(v -> witness.release(site.id(), known)).map(a -> {
            observe(a.lease(), false, 0);
            return a.granted();
        });
    }

    /** Called (on a Vert.x thread) after every change of role or epoch. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private synchronized Future<Void> tick() {
        long sentAt = nanoClock.getAsLong();
        boolean renewing = site.id().equals(holder) && nanoClock.getAsLong() < validUntilNanos + site.lease().toNanos();
        Future<WitnessClient.Answer> answer = renewing
                ? witness.renew(site.id(), epoch, site.lease())
                        .compose(a -> a.granted() ? Future.succeededFuture(a) : takeIfAllowed(a.lease()))
                : witness.read().compose(a -> takeIfAllowed(a.lease()));
        return answer.compose(a -> {
            witnessReachable = true;
            boolean held = a.granted() && site.id().equals(a.lease().holder());
            // Remembered before this node acts as the holder: a restart then knows this site was active.
            return (held ? memory.held(a.lease().epoch()) : Future.<Void>succeededFuture())
                    .map(v -> {
                        observe(a.lease(), held, sentAt);
                        return (Void) null;
                    });
        }).recover(t -> {
            if (witnessReachable) LOG.log(Level.WARNING, "site {0}: witness unreachable: {1}", site.id(), t.getMessage());
            witnessReachable = false;
            changed();
            return Future.succeededFuture();
        });
    }

    private Future<WitnessClient.Answer> takeIfAllowed(Lease lease) {
        return mayTake(lease) ? witness.acquire(site.id(), lease.epoch(), site.lease())
                : Future.succeededFuture(new WitnessClient.Answer(lease, false));
    }

    /** Whether to ask for the lease, given what the witness says now. */
    private boolean mayTake(Lease lease) {
        if (site.id().equals(lease.holder())) return true;
        if (lease.holder() == null)
            return claimRequested || (lease.epoch() == 0 && site.initialRole() == SiteRole.ACTIVE);
        return lease.expired() && (site.autoFailover() || claimRequested);
    }

    private synchronized void observe(Lease lease, boolean held, long sentAt) {
        epoch = Math.max(epoch, lease.epoch());
        holder = lease.holder();
        if (held) {
            claimRequested = false;
            long usable = (long) (site.lease().toNanos() * (1 - CLOCK_RATE_TOLERANCE)) - SAFETY.toNanos();
            validUntilNanos = sentAt + usable;
        } else if (!site.id().equals(lease.holder())) {
            validUntilNanos = Math.min(validUntilNanos, nanoClock.getAsLong());
        }
        changed();
    }

    private void changed() {
        SiteRole now = role();
        if (now != role) {
            LOG.log(Level.INFO, "site {0}: role={1} epoch={2} holder={3} at={4}", site.id(), now, epoch, holder,
                    Instant.now());
            role = now;
        }
        listeners.forEach(Runnable::run);
    }
}
