package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import org.miroir.dicom.net.pdu.AAssociateAC;
import org.miroir.dicom.net.pdu.AAssociateRQ;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Opens associations (the SCU side) on a Vert.x NetClient. Requests that the peer sends on them (C-GET
 * sub-operations go to the handler given to {@link Association#cget}; N-EVENT-REPORT and the like) are served by
 * the optional {@link ApplicationEntity}'s handlers.
 */
public final class DicomClient {
    private final Vertx vertx;
    private final AssociationOptions options;
    private final NetClient client;
    private final List<AssociationListener> listeners = new CopyOnWriteArrayList<>();
    private volatile ApplicationEntity ae;

    public DicomClient(Vertx vertx, AssociationOptions options) {
        this.vertx = vertx;
        this.options = new AssociationOptions(options);
        this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.getArtimTimeoutMillis())));
    }

    /** Serves requests that peers send us on associations we open. */
    public DicomClient setApplicationEntity(ApplicationEntity ae) {
        this.ae = ae;
        return this;
    }

    public DicomClient addListener(AssociationListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Connects and negotiates; completes with the established association, or fails with an
     * {@link AssociationRejectedException} (A-ASSOCIATE-RJ) or another IOException.
     */
    public Future<Association> connect(String host, int port, AssociationRequest request) {
        AAssociateRQ rq;
        try {
            rq = request.toPdu(options);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        ConnectOptions co = new ConnectOptions().setHost(host).setPort(port);
        if (request.tls() != null) co.setSsl(true).setSslOptions(request.tls());
        return client.connect(co).compose(socket ->
                Association.requested(vertx, socket, options, OWNER, listeners, ae, rq));
    }

    public Future<Void> close() { return client.close(); }

    private static final Association.Owner OWNER = new Association.Owner() {
        @Override
        public Future<AAssociateAC> negotiate(Association as, AAssociateRQ rq) {
            throw new IllegalStateException("a requestor does not negotiate");
        }

        @Override
        public void onClosed(Association as) {}
    };
}
