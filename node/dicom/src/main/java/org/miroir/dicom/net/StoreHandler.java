package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.miroir.dicom.net.dimse.Status;

/** A {@link DimseHandler} that serves C-STORE only; see {@link DimseHandler#onCStore}. */
@FunctionalInterface
public interface StoreHandler extends DimseHandler {
    Future<Status> store(DimseRequest rq, ReadStream<Buffer> data);

    @Override
    default Future<Status> onCStore(DimseRequest rq, ReadStream<Buffer> data) { return store(rq, data); }
}
