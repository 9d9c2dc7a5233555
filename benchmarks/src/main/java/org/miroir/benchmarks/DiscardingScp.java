package org.miroir.benchmarks;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import org.miroir.dicom.net.ApplicationEntity;
import org.miroir.dicom.net.AssociationOptions;
import org.miroir.dicom.net.DicomServer;
import org.miroir.dicom.net.StoreHandler;
import org.miroir.dicom.net.TransferCapability;
import org.miroir.dicom.net.dimse.Status;

/**
 * A Miroir SCP that receives every C-STORE data set completely and discards it, the counterpart of
 * {@code storescp --ignore}: AE title MIROIR on 127.0.0.1, any storage SOP class, any transfer syntax.
 * Runs in its own JVM (as storescp runs in its own process) until killed.
 *
 * <p>Usage: {@code DiscardingScp <port> <maxPduLength>}
 */
public final class DiscardingScp {
    static final String AE_TITLE = "MIROIR";

    private DiscardingScp() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int pdu = Integer.parseInt(args[1]);
        StoreBenchmark.quietToolkitLog(); // StoreBenchmark.TOOLKIT_LOG keeps the logger referenced
        Vertx vertx = Vertx.vertx();
        StoreHandler discard = (rq, data) -> {
            Promise<Status> done = Promise.promise();
            data.handler(buf -> { }).exceptionHandler(done::tryFail).endHandler(v -> done.tryComplete(Status.SUCCESS));
            return done.future();
        };
        ApplicationEntity ae = new ApplicationEntity(AE_TITLE).addService(TransferCapability.ANY, discard, TransferCapability.ANY);
        DicomServer server = new DicomServer(vertx, new AssociationOptions().setMaxPduLengthReceive(pdu))
                .addApplicationEntity(ae);
        Future<Integer> bound = server.listen("127.0.0.1", port);
        bound.onFailure(e -> {
            e.printStackTrace();
            System.exit(1);
        });
    }
}
