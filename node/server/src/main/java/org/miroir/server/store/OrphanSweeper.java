package org.miroir.server.store;

import org.miroir.server.metrics.NodeMetrics;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.object.ObjectInfo;
import org.miroir.storage.object.ObjectPage;
import org.miroir.storage.object.ObjectStore;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Removes objects that no index row points to: left by a store whose metadata never committed (crash, timeout,
 * storage fault between object commit and metadata write). Objects younger than the grace period are spared: their
 * metadata write may still be in flight. Blocking: run it on a worker thread, one sweep at a time.
 */
public final class OrphanSweeper {
    private static final System.Logger LOG = System.getLogger(OrphanSweeper.class.getName());
    private static final int PAGE = 1000;

    private final MetadataStore metadata;
    private final ObjectStore objects;
    private final NodeMetrics metrics;
    private final Duration grace;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    public OrphanSweeper(MetadataStore metadata, ObjectStore objects, NodeMetrics metrics, Duration grace, Clock clock) {
        this.metadata = metadata;
        this.objects = objects;
        this.metrics = metrics;
        this.grace = grace;
        this.clock = clock;
    }

    /** What one sweep saw and did. */
    public record Sweep(long examined, long removed) {}

    /** Sweeps every object once; throws IllegalStateException while another sweep of this node is running. */
    public Sweep sweepOnce() throws IOException {
        if (!running.compareAndSet(false, true)) throw new IllegalStateException("a sweep is already running");
        try {
            return sweep();
        } finally {
            running.set(false);
        }
    }

    private Sweep sweep() throws IOException {
        Instant cutoff = clock.instant().minus(grace);
        long examined = 0, removed = 0;
        String token = null;
        do {
            ObjectPage page = objects.list(token, PAGE);
            List<String> old = new ArrayList<>();
            for (ObjectInfo o : page.objects()) if (o.lastModified().isBefore(cutoff)) old.add(o.key());
            examined += page.objects().size();
            if (!old.isEmpty()) removed += removeUnreferenced(old);
            token = page.nextPageToken();
        } while (token != null);
        metrics.orphanSweeps.inc();
        if (removed > 0) LOG.log(System.Logger.Level.INFO, "orphan sweep removed {0} of {1} objects", removed, examined);
        return new Sweep(examined, removed);
    }

    private long removeUnreferenced(List<String> keys) throws IOException {
        Set<String> referenced;
        try {
            referenced = metadata.referencedObjectKeys(keys).toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (Exception e) {
            throw new IOException("cannot tell which objects are referenced: " + e.getMessage(), e);
        }
        long removed = 0;
        for (String key : keys) {
            if (referenced.contains(key)) continue;
            if (objects.delete(key)) {
                removed++;
                metrics.orphansRemoved.inc();
                LOG.log(System.Logger.Level.INFO, "removed orphan object {0}", key);
            }
        }
        return removed;
    }
}
