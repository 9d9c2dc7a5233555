package org.miroir.dicom.net;

import org.miroir.dicom.net.pdu.AAbort;

import java.io.IOException;

/**
 * The association ended before an operation completed: an A-ABORT from either side (then {@link #abort()} tells
 * which), a closed connection, or a timeout.
 */
public final class AssociationAbortedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient AAbort abort;

    public AssociationAbortedException(String message, AAbort abort) {
        super(abort == null ? message : message + ": " + abort);
        this.abort = abort;
    }

    /** The A-ABORT sent or received, or null when the connection just closed. */
    public AAbort abort() { return abort; }
}
