package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.net.dimse.Commands;
import org.miroir.dicom.net.dimse.Dimse;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.dimse.Status;

import java.util.Iterator;
import java.util.concurrent.CancellationException;

/**
 * A request being served: the command, the presentation context it came on, the cancel flag, and the way to send
 * pending responses. The final response is sent by the toolkit when the handler's future completes.
 */
public final class DimseRequest {
    /** {@link #sendMatches} lets inbound PDUs (a C-CANCEL) in at least this often. */
    private static final long YIELD_NANOS = 20_000_000;
    private final Association association;
    private final int pcid;
    private final String abstractSyntax;
    private final String transferSyntax;
    private final Dimse dimse;
    private final Attributes command;
    final long startNanos = System.nanoTime();
    private boolean cancelled;
    /** When {@link #sendMatches} last let the event loop read the sockets. */
    private long lastYield = System.nanoTime();
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
        byte[] b = command.getBytes(Tag.AttributeIdentifierList);
        if (b == null) return new int[0];
        // AT: group then element, each 16-bit little endian (values are held little endian).
        int[] tags = new int[b.length / 4];
        for (int i = 0; i < tags.length; i++) {
            int g = (b[4 * i] & 0xFF) | (b[4 * i + 1] & 0xFF) << 8;
            int e = (b[4 * i + 2] & 0xFF) | (b[4 * i + 3] & 0xFF) << 8;
            tags[i] = g << 16 | e;
        }
        return tags;
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

    /**
     * C-FIND: sends each match as a pending response, the next once the previous has been written, until the
     * iterator is done (then SUCCESS) or a C-CANCEL came (then CANCEL); fails if a send fails. One promise, no chain
     * of futures, so any number of matches runs in constant stack. {@code matches} must not block.
     */
    public Future<Status> sendMatches(Iterator<Attributes> matches) {
        Promise<Status> done = Promise.promise();
        sendNext(matches, done);
        return done.future();
    }

    private void sendNext(Iterator<Attributes> matches, Promise<Status> done) {
        if (cancelled) {
            done.tryComplete(Status.CANCEL);
            return;
        }
        Attributes next;
        try {
            if (!matches.hasNext()) {
                done.tryComplete(Status.SUCCESS);
                return;
            }
            next = matches.next();
        } catch (RuntimeException e) {
            done.tryFail(e);
            return;
        }
        sendPending(next).onComplete(ar -> {
            if (ar.failed() && !cancelled) {
                done.tryFail(ar.cause());
            } else if (System.nanoTime() - lastYield > YIELD_NANOS) {
                // Each step re-queues the next as an event loop task, and Netty runs queued tasks for up to a second
                // before it reads the sockets again: meanwhile a C-CANCEL would wait unread while thousands more
                // matches fill the socket buffers, all of which the peer must read before the final response.
                lastYield = System.nanoTime();
                association.afterInbound(v -> sendNext(matches, done));
            } else {
                sendNext(matches, done); // sendPending completes on a later event loop turn: no recursion
            }
        });
    }

    /** Sends a pending response (C-FIND match, C-MOVE/C-GET counts); completes when it has been written. */
    public Future<Void> sendPending(DimseResponse rsp) {
        if (!rsp.isPending()) return Future.failedFuture(new IllegalArgumentException("not a pending status: " + rsp));
        if (cancelled) return Future.failedFuture(new CancellationException("cancelled by the peer"));
        if (finalResponseQueued) return Future.failedFuture(new IllegalStateException("final response already sent"));
        return association.sendResponse(this, rsp);
    }

    @Override
    public String toString() { return association + " " + Commands.toString(command); }
}
