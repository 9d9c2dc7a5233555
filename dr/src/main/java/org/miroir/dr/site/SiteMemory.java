package org.miroir.dr.site;

import io.vertx.core.Future;
import org.miroir.cluster.config.SharedConfig;
import org.miroir.cluster.config.SharedSection;

/**
 * What a site remembers about its own past, in its metadata store (shared by its nodes, kept across restarts): the
 * last epoch under which it held the lease, and whether it has since stepped down in order (released the lease, or
 * was re-synchronised as the mirror by a failback). A site that held the lease and lost it without stepping down
 * is the former active of a failover: it stays fenced until a failback re-synchronises it.
 */
public final class SiteMemory {
    static final String SECTION = "site";
    private final SharedSection section;

    public SiteMemory(SharedConfig config) {
        this.section = config.section(SECTION);
    }

    /** The last epoch this site held the lease under; 0 if never. */
    public long heldEpoch() {
        String v = section.entries().get("held-epoch");
        return v == null ? 0 : Long.parseLong(v);
    }

    /** Whether the site stepped down in order since it last held the lease. */
    public boolean steppedDown() {
        return "true".equals(section.entries().get("stepped-down"));
    }

    /**
     * Records a new epoch this site holds the lease under. Renewals under an epoch already recorded change nothing: a
     * renewal granted just before another node released the lease must not undo the step-down.
     */
    Future<Void> held(long epoch) {
        if (epoch <= heldEpoch()) return Future.succeededFuture();
        return section.put("held-epoch", Long.toString(epoch)).compose(v -> section.put("stepped-down", "false"));
    }

    /** Records that the site is the mirror now, in order: its data is the active site's, it may receive again. */
    public Future<Void> stepDown() {
        return section.put("stepped-down", "true");
    }
}
