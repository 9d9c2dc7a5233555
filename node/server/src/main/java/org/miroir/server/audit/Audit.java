package org.miroir.server.audit;

import io.prometheus.client.CollectorRegistry;

import java.lang.System.Logger.Level;

/**
 * What the node's services record audit messages through: the {@link AuditTrail} when the configuration has an
 * {@code audit} section, else nothing (a development node, which says so at start). {@link #node()} is this node as
 * a participant of the messages.
 */
public final class Audit implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Audit.class.getName());
    private final AuditTrail trail;
    private final Actor node;

    private Audit(AuditTrail trail, Actor node) {
        this.trail = trail;
        this.node = node;
    }

    /** Starts the trail of {@code settings} (null: none); {@code node} is the node as a participant. */
    public static Audit start(AuditSettings settings, Actor node, CollectorRegistry registry) throws Exception {
        if (settings == null) {
            LOG.log(Level.WARNING, "no audit trail: the configuration has no audit section, so accesses are not "
                    + "audited (acceptable for development only)");
            return new Audit(null, node);
        }
        return new Audit(AuditTrail.start(settings, registry), node);
    }

    public Actor node() {
        return node;
    }

    /** Whether messages go anywhere: without a trail, callers skip the index look-ups a message would name. */
    public boolean enabled() {
        return trail != null;
    }

    public void record(AuditMessage m) {
        if (trail != null) trail.record(m);
    }

    @Override
    public void close() {
        if (trail != null) trail.close();
    }
}
