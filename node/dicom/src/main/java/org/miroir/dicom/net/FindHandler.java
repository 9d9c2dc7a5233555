package org.miroir.dicom.net;

import io.vertx.core.Future;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.net.dimse.Status;

/** A {@link DimseHandler} that serves C-FIND only; see {@link DimseHandler#onCFind}. */
@FunctionalInterface
public interface FindHandler extends DimseHandler {
    Future<Status> find(DimseRequest rq, Attributes keys);

    @Override
    default Future<Status> onCFind(DimseRequest rq, Attributes keys) { return find(rq, keys); }
}
