package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.net.dimse.Dimse;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.dimse.Status;

/**
 * A request being served: the command, the presentation context it came on, the cancel flag, and the way to send
 * pending responses. The final response is sent by the toolkit when the handler's future completes.
 */
public final class DimseRequest {
    private final Association association;
    private final int pcid;
    private final String abstractSyntax;
    private final String transferSyntax;
    private final Dimse dimse;
    private final Attributes command;
    final long startNanos = System.nanoTime();
    private boolean cancelled;
    private Handler<Void> cancelHandler;
    boolean finalResponseQueued;

    DimseRequest(Association association, int pcid, String abstractSyntax, String transferSyntax, Dimse dimse,
                 Attributes command) {
        this.association = association;
        this.pcid = pcid;
        this.abstractSyntax = abstractSyntax;
        this.transferSyntax = transferSyntax;
        this.dimse = dimse;
        this.command = command;
    }

    public Association association() { return association; }

    public int presentationContextId() { return pcid; }

    /** The presentation context's abstract syntax, which the SOP class in the command ought to equal. */
    public String abstractSyntax() { return abstractSyntax; }

    /** The transfer syntax of the presentation context: the encoding of the request's data set. */
    public String transferSyntax() { return transferSyntax; }

    public Dimse dimse() { return dimse; }

    public Attributes command() { return command; }

    public int messageId() { return command.getInt(Tag.MessageID, -1); }

    /** Affected or Requested SOP Class UID, whichever this message carries. */
    public String sopClassUid() { return command.getString(dimse.sopClassTag()); }

    /** Affected or Requested SOP Instance UID, whichever this message carries; null when none. */
    public String sopInstanceUid() { return command.getString(dimse.sopInstanceTag()); }

    public int priority() { return command.getInt(Tag.Priority, 0); }

    /** C-MOVE: the destination AE title. */
    public String moveDestination() { return command.getString(Tag.MoveDestination); }

    /** C-STORE sub-operation of a C-MOVE: who asked for the move; null otherwise. */
    public String moveOriginatorAETitle() { return command.getString(Tag.MoveOriginatorApplicationEntityTitle); }

    public int moveOriginatorMessageId() { return command.getInt(Tag.MoveOriginatorMessageID, -1); }

    public int eventTypeId() { return command.getInt(Tag.EventTypeID, -1); }

    public int actionTypeId() { return command.getInt(Tag.ActionTypeID, -1); }

    /** N-GET: the tags asked for; empty for all. */
    public int[] attributeIdentifierList() {
        int[] tags = command.getInts(Tag.AttributeIdentifierList);
        return tags == null ? new int[0] : tags;
    }

    /** True once the peer sent a C-CANCEL for this request. */
    public boolean isCancelled() { return cancelled; }

    /** Called (on the event loop) when a C-CANCEL for this request arrives. */
    public DimseRequest onCancel(Handler<Void> handler) {
        this.cancelHandler = handler;
        if (cancelled && handler != null) handler.handle(null);
        return this;
    }

    void cancel() {
        if (cancelled) return;
        cancelled = true;
        if (cancelHandler != null) cancelHandler.handle(null);
    }

    /** C-FIND: sends a pending (0xFF00) response with one match; fails once cancelled or after the association ended. */
    public Future<Void> sendPending(Attributes match) {
        return sendPending(DimseResponse.of(Status.PENDING).withDataset(match));
    }

    /** Sends a pending response (C-FIND match, C-MOVE/C-GET counts); completes when it has been written. */
    public Future<Void> sendPending(DimseResponse rsp) {
        if (!rsp.isPending()) return Future.failedFuture(new IllegalArgumentException("not a pending status: " + rsp));
        if (cancelled) return Future.failedFuture(new java.util.concurrent.CancellationException("cancelled by the peer"));
        if (finalResponseQueued) return Future.failedFuture(new IllegalStateException("final response already sent"));
        return association.sendResponse(this, rsp);
    }

    @Override
    public String toString() { return association + " " + org.miroir.dicom.net.dimse.Commands.toString(command); }
}
