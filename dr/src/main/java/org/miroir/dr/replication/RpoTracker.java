package org.miroir.dr.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The measured RPO: per journal partition, when the oldest entry the mirror has not acknowledged was recorded. What
 * the active site would lose if it died now is everything recorded since the oldest of those.
 */
public final class RpoTracker {
    private final ConcurrentHashMap<Integer, Instant> oldestPending = new ConcurrentHashMap<>();

    void pending(int partition, Instant oldest) {
        oldestPending.put(partition, oldest);
    }

    void caughtUp(int partition) {
        oldestPending.remove(partition);
    }

    public void clear() {
        oldestPending.clear();
    }

    /** The age of the oldest unacknowledged entry, zero when the mirror has everything. */
    public Duration rpo(Instant now) {
        return oldestPending.values().stream().min(Instant::compareTo).map(o -> Duration.between(o, now))
                .filter(d -> !d.isNegative()).orElse(Duration.ZERO);
    }
}
