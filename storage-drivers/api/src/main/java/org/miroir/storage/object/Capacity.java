package org.miroir.storage.object;

/**
 * How much an object store holds and can still take, as its backend tells it.
 *
 * @param sizeBytes      the storage's whole size
 * @param usedBytes      what it holds now
 * @param availableBytes what new objects can still use (at most {@code sizeBytes})
 */
public record Capacity(long sizeBytes, long usedBytes, long availableBytes) {
    public Capacity {
        if (sizeBytes < 0 || usedBytes < 0 || availableBytes < 0)
            throw new IllegalArgumentException("capacity figures cannot be negative");
    }
}
