package org.miroir.server.dimse;

import io.vertx.core.net.SocketAddress;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.AssociationListener;
import org.miroir.dicom.net.dimse.Dimse;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.dicom.net.pdu.AAssociateRJ;
import org.miroir.dicom.net.pdu.AAssociateRQ;
import org.miroir.server.logging.AccessLog;

import java.util.Locale;
import java.util.logging.Level;

/**
 * The DICOM part of the access log: every association opened, rejected or ended abnormally, and every DIMSE
 * operation, served or invoked (the C-STORE sub-operations of C-GET and C-MOVE, with the instance each sent), with
 * the association, its AE titles and remote address, the SOP class and instance, the status and the duration.
 */
public final class DimseAccessLog implements AssociationListener {
    @Override
    public void onAssociationOpened(Association as) {
        association("association_opened", as).log();
    }

    @Override
    public void onAssociationRejected(SocketAddress remote, AAssociateRQ rq, AAssociateRJ rj) {
        AccessLog.entry("association_rejected").with("calling", rq == null ? null : rq.callingAETitle())
                .with("called", rq == null ? null : rq.calledAETitle()).with("remote", String.valueOf(remote))
                .with("reason", rj == null ? "aborted" : rj.toString()).log(Level.WARNING);
    }

    @Override
    public void onAssociationClosed(Association as, Throwable cause) {
        if (cause != null) association("association_aborted", as).with("reason", cause.getMessage()).log();
    }

    @Override
    public void onDimseCompleted(Association as, Dimse request, String sopClassUid, String sopInstanceUid, int status,
            long durationNanos, boolean invoked) {
        String op = request.displayName();
        association("dimse", as).with("operation", op.endsWith("-RQ") ? op.substring(0, op.length() - 3) : op)
                .with("role", invoked ? "invoked" : "served").with("sopClassUid", sopClassUid)
                .with("sopInstanceUid", sopInstanceUid)
                .with("status", status < 0 ? "none" : String.format("%04X", status))
                .with("outcome", status < 0 ? "aborted" : Status.categoryOf(status).name().toLowerCase(Locale.ROOT))
                .durationNanos(durationNanos).log();
    }

    private static AccessLog.Entry association(String event, Association as) {
        return AccessLog.entry(event).with("association", as.id()).with("calling", as.callingAETitle())
                .with("called", as.calledAETitle()).with("remote", String.valueOf(as.remoteAddress()));
    }
}
