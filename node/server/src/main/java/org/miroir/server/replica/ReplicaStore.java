package org.miroir.server.replica;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.miroir.dr.replication.ReplicaIndexer;
import org.miroir.server.store.Ingest;
import org.miroir.server.store.ReadStreamInputStream;

import java.io.InputStream;
import java.time.Instant;

/**
 * The mirror's store path for shipped objects: the same parsing and index rows as a C-STORE on the active site
 * ({@link Ingest#storeReplica}), the body streamed from the receiver's request to a worker thread, never held whole.
 */
public final class ReplicaStore implements ReplicaIndexer {
    /** Bytes buffered between the connection and the worker before the request stops being read. */
    private static final long MAX_BUFFERED = 4L * 1024 * 1024;
    /** A sender that stops sending for this long has its shipment refused (nothing kept). */
    private static final long STALL_MILLIS = 60_000;

    private final Vertx vertx;
    private final Ingest ingest;

    public ReplicaStore(Vertx vertx, Ingest ingest) {
        this.vertx = vertx;
        this.ingest = ingest;
    }

    @Override
    public Future<Boolean> store(ReadStream<Buffer> body, String key, long size, String sha256, Instant storedAt,
            boolean repair) {
        InputStream in = new ReadStreamInputStream(body, vertx.getOrCreateContext(), MAX_BUFFERED, STALL_MILLIS);
        return vertx.executeBlocking(() -> ingest.storeReplica(in, key, size, sha256, storedAt, repair)
                == Ingest.ReplicaOutcome.STORED, false);
    }
}
