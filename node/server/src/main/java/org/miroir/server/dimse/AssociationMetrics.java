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

/** Counts the associations the node accepts and rejects, and times the DIMSE operations it serves. */
public final class AssociationMetrics implements AssociationListener {
    private final NodeMetrics metrics;

    public AssociationMetrics(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onAssociationOpened(Association as) {
        if (as.isRequestor()) return;
        metrics.associationsAccepted.inc();
        metrics.associationsActive.inc();
    }

    @Override
    public void onAssociationRejected(SocketAddress remote, AAssociateRQ rq, AAssociateRJ rj) {
        metrics.associationsRejected.labels(reasonLabel(rj)).inc();
    }

    @Override
    public void onAssociationClosed(Association as, Throwable cause) {
        if (as.isRequestor()) return;
        metrics.associationsActive.dec();
    }

    @Override
    public void onDimseCompleted(Association as, Dimse request, String sopClassUid, String sopInstanceUid, int status,
            long durationNanos, boolean invoked) {
        if (invoked) return;
        metrics.dimseDuration.labels(request.name(), SopClassGroup.of(sopClassUid),
                Status.categoryOf(status).name().toLowerCase(Locale.ROOT)).observe(durationNanos / 1e9);
    }

    /** PS3.8 9.3.4 source and reason numbers: a bounded label ("1/7" is service-user, called AE not recognized). */
    private static String reasonLabel(AAssociateRJ rj) {
        return rj == null ? "aborted" : rj.source() + "/" + rj.reason();
    }
}
