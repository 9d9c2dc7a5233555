package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.ServerSSLOptions;
import org.miroir.dicom.net.pdu.AAssociateAC;
import org.miroir.dicom.net.pdu.AAssociateRJ;
import org.miroir.dicom.net.pdu.AAssociateRQ;
import org.miroir.dicom.net.pdu.UserIdentityAC;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts associations for its application entities (looked up by called AE title) on one host and port, on a
 * Vert.x NetServer: the event loop does the protocol, no thread per association. Rejections: unknown called AE
 * (permanent, service-user, reason 7), calling AE or host not accepted (reasons 3 / 1), bad protocol version or
 * application context, more than {@code maxAssociations} at once (transient, service-provider presentation,
 * local-limit-exceeded). TLS when {@link #setTls} was given key material.
 */
public final class DicomServer {
    private static final System.Logger LOG = System.getLogger(DicomServer.class.getName());

    private final Vertx vertx;
    private final AssociationOptions options;
    private final Map<String, ApplicationEntity> aes = new ConcurrentHashMap<>();
    private final List<AssociationListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<Association> associations = ConcurrentHashMap.newKeySet();
    private final AtomicInteger established = new AtomicInteger();
    private volatile int maxAssociations = 100;
    private ServerSSLOptions tls;
    private NetServer server;

    public DicomServer(Vertx vertx, AssociationOptions options) {
        this.vertx = vertx;
        this.options = new AssociationOptions(options);
    }

    public DicomServer addApplicationEntity(ApplicationEntity ae) {
        aes.put(ae.getAETitle(), ae);
        return this;
    }

    /** Listeners are called on event loops: make them thread-safe. */
    public DicomServer addListener(AssociationListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Associations beyond this many (past negotiation) are rejected as transient local-limit-exceeded. */
    public DicomServer setMaxAssociations(int max) {
        if (max < 1) throw new IllegalArgumentException("max associations " + max);
        this.maxAssociations = max;
        return this;
    }

    /** TLS with this key (and trust, for client authentication) material; set before {@link #listen}. */
    public DicomServer setTls(ServerSSLOptions tls) {
        this.tls = tls;
        return this;
    }

    /** Starts listening; completes with the bound port (pass 0 for any free port). */
    public Future<Integer> listen(String host, int port) {
        NetServerOptions o = new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true);
        if (tls != null) {
            o.setSsl(true).setKeyCertOptions(tls.getKeyCertOptions()).setClientAuth(tls.getClientAuth());
            if (tls.getTrustOptions() != null) o.setTrustOptions(tls.getTrustOptions());
        }
        server = vertx.createNetServer(o).connectHandler(this::onConnect);
        return server.listen().map(s -> {
            LOG.log(Level.INFO, () -> "DICOM server " + aes.keySet() + " listening on " + host + ":" + s.actualPort() + (tls != null ? " (TLS)" : ""));
            return s.actualPort();
        });
    }

    public int actualPort() { return server == null ? -1 : server.actualPort(); }

    /** Connections with an association object, from TCP accept to close (negotiating ones included). */
    public int openAssociations() { return associations.size(); }

    /** Aborts every association still open (A-ABORT sent), then stops listening. */
    public Future<Void> close() {
        List<Future<Void>> aborts = new ArrayList<>();
        for (Association as : associations) aborts.add(as.abort());
        return Future.join(aborts).transform(x -> server == null ? Future.succeededFuture() : server.close());
    }

    private void onConnect(NetSocket socket) {
        Association as = Association.accepted(vertx, socket, options, owner, listeners);
        associations.add(as);
        LOG.log(Level.DEBUG, () -> as + ": connection accepted");
    }

    private final Association.Owner owner = new Association.Owner() {
        @Override
        public Future<AAssociateAC> negotiate(Association as, AAssociateRQ rq) {
            ApplicationEntity ae = aes.get(rq.calledAETitle());
            if (ae == null) return reject(AAssociateRJ.calledAETitleNotRecognized());
            AAssociateRJ rj = Negotiation.check(ae, rq, as.remoteAddress().hostAddress());
            if (rj != null) return reject(rj);
            if (established.incrementAndGet() > maxAssociations) {
                established.decrementAndGet();
                return reject(AAssociateRJ.localLimitExceeded());
            }
            as.closeFuture().onComplete(v -> established.decrementAndGet());
            as.setApplicationEntity(ae);
            var identity = rq.userInformation().userIdentityRQ();
            UserIdentityNegotiator negotiator = ae.getUserIdentityNegotiator();
            if (identity == null || negotiator == null)
                return Future.succeededFuture(Negotiation.accept(ae, rq, options, null));
            Promise<AAssociateAC> p = Promise.promise();
            negotiator.negotiate(rq, identity, as.remoteAddress()).onComplete(ar -> {
                if (ar.failed()) {
                    p.fail(ar.cause());
                } else {
                    byte[] response = ar.result();
                    UserIdentityAC idac = identity.positiveResponseRequested() && response != null ? new UserIdentityAC(response) : null;
                    p.complete(Negotiation.accept(ae, rq, options, idac));
                }
            });
            return p.future();
        }

        @Override
        public void onClosed(Association as) {
            associations.remove(as);
        }
    };

    private static Future<AAssociateAC> reject(AAssociateRJ rj) {
        return Future.failedFuture(new AssociationRejectedException(rj));
    }
}
