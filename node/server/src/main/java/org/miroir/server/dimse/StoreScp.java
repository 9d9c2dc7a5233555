package org.miroir.server.dimse;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.miroir.dicom.net.DimseRequest;
import org.miroir.dicom.net.StoreHandler;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.server.audit.DicomAudit;
import org.miroir.server.store.Ingest;
import org.miroir.server.store.ReadStreamInputStream;

/**
 * C-STORE SCP: hands the streamed data set to the core store path on a worker thread. The response (success only
 * after object and metadata are durable) is sent when {@link Ingest} returns.
 */
public final class StoreScp implements StoreHandler {
    /** Bytes buffered between the socket and the worker before the association stops reading. */
    private static final long MAX_BUFFERED = 4L * 1024 * 1024;

    private final Vertx vertx;
    private final Ingest ingest;
    private final long stallTimeoutMillis;
    private final DicomAudit audit;

    public StoreScp(Vertx vertx, Ingest ingest, long stallTimeoutMillis, DicomAudit audit) {
        this.vertx = vertx;
        this.audit = audit;
        this.ingest = ingest;
        this.stallTimeoutMillis = stallTimeoutMillis;
    }

    @Override
    public Future<Status> store(DimseRequest rq, ReadStream<Buffer> data) {
        String commandClass = rq.sopClassUid();
        if (commandClass == null || !commandClass.equals(rq.abstractSyntax())) {
            return Future.succeededFuture(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS.withComment(
                    "Affected SOP Class " + commandClass + " differs from the presentation context's "
                            + rq.abstractSyntax()));
        }
        Context context = vertx.getOrCreateContext();
        ReadStreamInputStream in = new ReadStreamInputStream(data, context, MAX_BUFFERED, stallTimeoutMillis);
        String calling = rq.association().callingAETitle();
        return vertx.executeBlocking(() -> ingest.storeDataset(in, rq.transferSyntax(), rq.abstractSyntax(),
                rq.sopInstanceUid(), calling), false).map(r -> {
                    audit.stored(rq.association(), r);
                    return r.status();
                });
    }
}
