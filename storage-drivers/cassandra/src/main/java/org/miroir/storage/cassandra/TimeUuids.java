package org.miroir.storage.cassandra;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Journal positions: version-1 (time-based) UUIDs from a monotonic clock, so positions made by one store are unique
 * and increase in the order they are taken, and Cassandra's {@code timeuuid} sorts them by time. Ticks are the UUID
 * timestamp (100 ns since 1582-10-15); a position's tick also fixes the write timestamp of its batch (microseconds),
 * so the cells and the journal entry of one write carry the same time.
 */
final class TimeUuids {
    /** 100-ns intervals between 1582-10-15 and 1970-01-01. */
    private static final long UNIX_EPOCH_TICKS = 0x01B21DD213814000L;
    private final AtomicLong last = new AtomicLong();
    /** Clock sequence and node bits: random per store, so two stores never make the same UUID. */
    private final long lsb;

    TimeUuids() {
        SecureRandom r = new SecureRandom();
        lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    }

    static long nowTicks() {
        Instant now = Instant.now();
        return UNIX_EPOCH_TICKS + now.getEpochSecond() * 10_000_000L + now.getNano() / 100;
    }

    /** A tick after every tick handed out before and not before {@code atLeast}. */
    long next(long atLeast) {
        long want = Math.max(nowTicks(), atLeast);
        return last.accumulateAndGet(want, (prev, w) -> Math.max(prev + 1, w));
    }

    UUID uuid(long ticks) {
        long msb = (ticks & 0xFFFFFFFFL) << 32 | (ticks >>> 32 & 0xFFFFL) << 16 | 0x1000L | (ticks >>> 48 & 0x0FFFL);
        return new UUID(msb, lsb);
    }

    /** The UUID that sorts after every position of {@code ticks} and before every later tick. */
    static UUID maxAt(long ticks) {
        long msb = (ticks & 0xFFFFFFFFL) << 32 | (ticks >>> 32 & 0xFFFFL) << 16 | 0x1000L | (ticks >>> 48 & 0x0FFFL);
        // Cassandra compares the low half of a timeuuid as signed bytes: 0x7f.. is the largest.
        return new UUID(msb, 0x7F7F7F7F7F7F7F7FL);
    }

    static long ticks(UUID u) {
        return u.timestamp();
    }

    /** Write timestamp (microseconds since 1970) of the batch at {@code ticks}. */
    static long micros(long ticks) {
        return (ticks - UNIX_EPOCH_TICKS) / 10;
    }

    /** The first tick of a write timestamp. */
    static long ticksOfMicros(long micros) {
        return micros * 10 + UNIX_EPOCH_TICKS;
    }

    static long ticksOfMillis(long millis) {
        return millis * 10_000 + UNIX_EPOCH_TICKS;
    }

    /** A journal position as clients see it, checked: a version-1 UUID. */
    static UUID parse(String position) {
        try {
            UUID u = UUID.fromString(position);
            if (u.version() == 1) return u;
        } catch (IllegalArgumentException | NullPointerException e) {
            // reported below
        }
        throw new IllegalArgumentException("invalid journal position: " + position);
    }
}
