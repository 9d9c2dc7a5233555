package org.miroir.server.dimse;

import io.vertx.core.net.SocketAddress;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.AssociationListener;
import org.miroir.dicom.net.dimse.Dimse;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.dicom.net.pdu.AAssociateRJ;
import org.miroir.dicom.net.pdu.AAssociateRQ;
import org.miroir.server.metrics.NodeMetrics;

import java.util.Locale;

/** Counts associations and served DIMSE operations, and logs one line per association and per rejection. */
public final class AssociationMetrics implements AssociationListener {
    private static final System.Logger LOG = System.getLogger("org.miroir.server.access");
    private final NodeMetrics metrics;

    public AssociationMetrics(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onAssociationOpened(Association as) {
        if (as.isRequestor()) return;
        metrics.associationsAccepted.inc();
        metrics.associationsActive.inc();
        LOG.log(System.Logger.Level.INFO, "association {0} accepted: calling={1} called={2} remote={3}",
                as.id(), as.callingAETitle(), as.calledAETitle(), as.remoteAddress());
    }

    @Override
    public void onAssociationRejected(SocketAddress remote, AAssociateRQ rq, AAssociateRJ rj) {
        metrics.associationsRejected.labels(reasonLabel(rj)).inc();
        LOG.log(System.Logger.Level.WARNING, "association rejected: calling={0} called={1} remote={2} {3}",
                rq == null ? null : rq.callingAETitle(), rq == null ? null : rq.calledAETitle(), remote, rj);
    }

    @Override
    public void onAssociationClosed(Association as, Throwable cause) {
        if (as.isRequestor()) return;
        metrics.associationsActive.dec();
        if (cause != null)
            LOG.log(System.Logger.Level.INFO, "association {0} ended: {1}", as.id(), cause.getMessage());
    }

    @Override
    public void onDimseCompleted(Association as, Dimse request, String sopClassUid, int status, long durationNanos,
            boolean invoked) {
        if (invoked) return;
        metrics.dimseDuration.labels(request.name(), Status.categoryOf(status).name().toLowerCase(Locale.ROOT))
                .observe(durationNanos / 1e9);
    }

    /** PS3.8 9.3.4 source and reason numbers: a bounded label ("1/7" is service-user, called AE not recognized). */
    private static String reasonLabel(AAssociateRJ rj) {
        return rj == null ? "aborted" : rj.source() + "/" + rj.reason();
    }
}
