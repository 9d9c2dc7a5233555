package org.miroir.dr.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The measured RPO: per journal partition, when the oldest entry the mirror has not acknowledged was recorded, and how
 * many entries wait (up to one read batch). What the active site would lose if it died now is everything recorded
 * since the oldest of those.
 */
public final class RpoTracker {
    private record Pending(Instant oldest, int entries) {}

    private final ConcurrentHashMap<Integer, Pending> pending = new ConcurrentHashMap<>();

    void pending(int partition, Instant oldest, int entries) {
        pending.put(partition, new Pending(oldest, entries));
    }

    void caughtUp(int partition) {
        pending.remove(partition);
    }

    public void clear() {
        pending.clear();
    }

    /** The age of the oldest unacknowledged entry, zero when the mirror has everything. */
    public Duration rpo(Instant now) {
        return pending.values().stream().map(Pending::oldest).min(Instant::compareTo).map(o -> Duration.between(o, now))
                .filter(d -> !d.isNegative()).orElse(Duration.ZERO);
    }

    /** The entries waiting, over every partition (each counted up to one read batch). */
    public long pendingEntries() {
        return pending.values().stream().mapToLong(Pending::entries).sum();
    }
}
