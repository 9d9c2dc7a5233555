package org.miroir.dr.replication;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.time.Instant;

/**
 * What the mirror's node does with a shipped object: store it under the same key and index it exactly as the active
 * site did (the node's store path parses it). The receiver knows the protocol; the node knows DICOM.
 */
public interface ReplicaIndexer {
    /**
     * Stores {@code body} (a whole Part 10 object of {@code size} bytes and SHA-256 {@code sha256}) under {@code key}
     * and indexes it. Completes with true when stored, false when that object was already indexed here (and
     * {@code repair} is false); fails with IllegalArgumentException when the bytes are not what was announced or not a
     * usable instance (nothing is kept), with a StorageException when this site's stores fail.
     */
    Future<Boolean> store(ReadStream<Buffer> body, String key, long size, String sha256, Instant storedAt,
            boolean repair);
}
