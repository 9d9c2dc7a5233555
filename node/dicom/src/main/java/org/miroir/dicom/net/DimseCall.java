package org.miroir.dicom.net;

import io.vertx.core.Future;
import org.miroir.dicom.net.dimse.DimseResponse;

/** An operation we invoked that may get pending responses (C-FIND, C-MOVE, C-GET): its message id, result and cancel. */
public final class DimseCall {
    private final Association association;
    private final int messageId;
    private final Future<DimseResponse> response;

    DimseCall(Association association, int messageId, Future<DimseResponse> response) {
        this.association = association;
        this.messageId = messageId;
        this.response = response;
    }

    public int messageId() { return messageId; }

    /** The final (non-pending) response. */
    public Future<DimseResponse> response() { return response; }

    /** Sends a C-CANCEL-RQ for this operation; the final response (usually 0xFE00) still completes {@link #response()}. */
    public Future<Void> cancel() { return association.cancel(messageId); }
}
