package org.miroir.dr.replication;

import io.vertx.core.Future;
import org.miroir.cluster.config.SharedConfig;
import org.miroir.cluster.config.SharedSection;

/**
 * How far the active site's journal went, per partition, kept in its metadata store so whichever member runs the
 * shipper or the verifier next goes on from there: {@code shipped-P} (acknowledged by the mirror) and
 * {@code verified-P} (checked on the mirror since; the journal is trimmed up to it).
 */
public final class Watermarks {
    private final SharedSection section;

    public Watermarks(SharedConfig config) {
        this.section = config.section("replication");
    }

    public String shipped(int partition) {
        return section.entries().get("shipped-" + partition);
    }

    public String verified(int partition) {
        return section.entries().get("verified-" + partition);
    }

    public Future<Void> setShipped(int partition, String position) {
        return section.put("shipped-" + partition, position);
    }

    public Future<Void> setVerified(int partition, String position) {
        return section.put("verified-" + partition, position);
    }

    /** Forgets every watermark: the next shipment starts from the oldest journal entry kept (a new mirror). */
    public Future<Void> reset(int partitions) {
        Future<Void> f = Future.succeededFuture();
        for (int p = 0; p < partitions; p++) {
            int q = p;
            f = f.compose(v -> section.delete("shipped-" + q)).compose(v -> section.delete("verified-" + q)).mapEmpty();
        }
        return f;
    }
}
