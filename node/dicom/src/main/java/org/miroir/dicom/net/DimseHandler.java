package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.dimse.Status;

/**
 * Serves the DIMSE requests on the presentation contexts of one SOP class. Every method runs on the
 * association's event loop and must not block (use {@code vertx.executeBlocking} for blocking work); each completes
 * a future with the final status or response, which the toolkit sends (a failed future becomes 0xC000 "unable to
 * process", or 0xFE00 after a C-CANCEL). Unimplemented operations answer 0x0211 "unrecognized operation".
 */
public interface DimseHandler {

    /** C-ECHO: success. */
    default Future<Status> onCEcho(DimseRequest rq) {
        return Future.succeededFuture(Status.SUCCESS);
    }

    /**
     * C-STORE: {@code data} streams the data set as received, fragment by fragment, in the presentation context's
     * transfer syntax ({@link DimseRequest#transferSyntax()}); it is never assembled in heap. Pausing the stream
     * pauses the socket. If the association ends before the last fragment, the stream fails (exception handler)
     * so partial data can be discarded. Completing before the stream has ended discards the rest of the data set;
     * the response goes out after its last fragment has arrived.
     */
    default Future<Status> onCStore(DimseRequest rq, ReadStream<Buffer> data) {
        return Future.succeededFuture(Status.UNRECOGNIZED_OPERATION);
    }

    /**
     * C-FIND: send the matches with {@link DimseRequest#sendMatches} (or one by one with
     * {@link DimseRequest#sendPending(Attributes)}, whose future completes when the response has been written: the
     * backpressure), watch {@link DimseRequest#isCancelled()}, complete with the final status (after a C-CANCEL the
     * toolkit sends 0xFE00 whatever it is).
     */
    default Future<Status> onCFind(DimseRequest rq, Attributes keys) {
        return Future.succeededFuture(Status.UNRECOGNIZED_OPERATION);
    }

    /** C-MOVE: pending responses with counts via {@link DimseRequest#sendPending(DimseResponse)}; see net.service.RetrieveService. */
    default Future<DimseResponse> onCMove(DimseRequest rq, Attributes keys) {
        return Future.succeededFuture(DimseResponse.of(Status.UNRECOGNIZED_OPERATION));
    }

    /** C-GET: sub-operations are C-STOREs on {@code rq.association()}; see net.service.RetrieveService. */
    default Future<DimseResponse> onCGet(DimseRequest rq, Attributes keys) {
        return Future.succeededFuture(DimseResponse.of(Status.UNRECOGNIZED_OPERATION));
    }

    default Future<DimseResponse> onNEventReport(DimseRequest rq, Attributes eventInformation) {
        return Future.succeededFuture(DimseResponse.of(Status.UNRECOGNIZED_OPERATION));
    }

    default Future<DimseResponse> onNGet(DimseRequest rq) {
        return Future.succeededFuture(DimseResponse.of(Status.UNRECOGNIZED_OPERATION));
    }

    default Future<DimseResponse> onNSet(DimseRequest rq, Attributes modifications) {
        return Future.succeededFuture(DimseResponse.of(Status.UNRECOGNIZED_OPERATION));
    }

    default Future<DimseResponse> onNAction(DimseRequest rq, Attributes actionInformation) {
        return Future.succeededFuture(DimseResponse.of(Status.UNRECOGNIZED_OPERATION));
    }

    default Future<DimseResponse> onNCreate(DimseRequest rq, Attributes attributes) {
        return Future.succeededFuture(DimseResponse.of(Status.UNRECOGNIZED_OPERATION));
    }

    default Future<DimseResponse> onNDelete(DimseRequest rq) {
        return Future.succeededFuture(DimseResponse.of(Status.UNRECOGNIZED_OPERATION));
    }
}
