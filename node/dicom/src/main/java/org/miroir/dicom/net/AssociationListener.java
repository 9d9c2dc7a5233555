package org.miroir.dicom.net;

import io.vertx.core.net.SocketAddress;
import org.miroir.dicom.net.dimse.Dimse;
import org.miroir.dicom.net.pdu.AAssociateRQ;
import org.miroir.dicom.net.pdu.AAssociateRJ;

/**
 * Hooks for metrics and audit, called on the association's event loop (keep them cheap). All methods have empty
 * defaults.
 */
public interface AssociationListener {
    /** The association reached Sta6 (accepted, on either side). */
    default void onAssociationOpened(Association as) {}

    /** We rejected a request ({@code rq} is the request) or the peer rejected ours. */
    default void onAssociationRejected(SocketAddress remote, AAssociateRQ rq, AAssociateRJ rj) {}

    /**
     * An association that had been opened ended: {@code cause} is null after an orderly release, else why it
     * ended (an {@link AssociationAbortedException} for aborts, closed connections and timeouts).
     */
    default void onAssociationClosed(Association as, Throwable cause) {}

    /**
     * A DIMSE operation completed: one we served ({@code invoked} false: from request received to final response
     * sent) or one we invoked ({@code invoked} true: from request queued to final response received; status -1 when
     * the association ended first). {@code sopInstanceUid} is the command's Affected or Requested SOP Instance UID
     * (C-STORE, N-CREATE, ...), null when it names none.
     */
    default void onDimseCompleted(Association as, Dimse request, String sopClassUid, String sopInstanceUid, int status,
                                  long durationNanos, boolean invoked) {}
}
