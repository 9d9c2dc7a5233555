package org.miroir.dicom.net.service;

import io.vertx.core.Future;
import org.miroir.dicom.net.DataSource;
import org.miroir.dicom.net.Part10File;

import java.util.function.Supplier;

/**
 * One instance a C-MOVE or C-GET sends: its SOP class and instance, the transfer syntax it is stored in, and how to
 * open its data (called when its sub-operation starts, so nothing is opened ahead of time).
 */
public record RetrieveItem(String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
                           Supplier<Future<DataSource>> source) {

    public static RetrieveItem of(Part10File file) {
        return new RetrieveItem(file.sopClassUid(), file.sopInstanceUid(), file.transferSyntax(),
                () -> Future.succeededFuture(file));
    }
}
