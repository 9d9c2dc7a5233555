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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts associations for its application entities (looked up by called AE title) on one or more listeners (host and
 * port, plain or TLS), on Vert.x NetServers: the event loop does the protocol, no thread per association. Rejections:
 * unknown called AE (permanent, service-user, reason 7), calling AE or host not accepted (reasons 3 / 1), bad protocol
 * version or application context, more than {@code maxAssociations} at once over all listeners (transient,
 * service-provider presentation, local-limit-exceeded).
 */
public final class DicomServer {
    private static final System.Logger LOG = System.getLogger(DicomServer.class.getName());

    private final Vertx vertx;
    private final AssociationOptions options;
    private final Map<String, ApplicationEntity> aes = new ConcurrentHashMap<>();
    private final List<AssociationListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<Association> associations = ConcurrentHashMap.newKeySet();
    private final AtomicInteger established = new AtomicInteger();
    private final List<NetServer> servers = new CopyOnWriteArrayList<>();
    private volatile int maxAssociations = 100;
    private volatile boolean draining;

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

    /** Starts a plain listener; completes with the bound port (pass 0 for any free port). */
    public Future<Integer> listen(String host, int port) {
        return listen(host, port, null);
    }

    /**
     * Starts a listener, with TLS when {@code tls} is given (key material, client authentication and trust, protocol
     * versions and cipher suites are taken from it); completes with the bound port (pass 0 for any free port).
     */
    public Future<Integer> listen(String host, int port, ServerSSLOptions tls) {
        NetServerOptions o = new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true);
        if (tls != null) {
            o.setSsl(true).setKeyCertOptions(tls.getKeyCertOptions()).setClientAuth(tls.getClientAuth())
                    .setEnabledSecureTransportProtocols(tls.getEnabledSecureTransportProtocols());
            tls.getEnabledCipherSuites().forEach(o::addEnabledCipherSuite);
            if (tls.getTrustOptions() != null) o.setTrustOptions(tls.getTrustOptions());
        }
        NetServer server = vertx.createNetServer(o).connectHandler(this::onConnect);
        return server.listen().map(s -> {
            servers.add(s);
            LOG.log(Level.INFO, () -> "DICOM server " + aes.keySet() + " listening on " + host + ":" + s.actualPort()
                    + (tls != null ? " (TLS)" : ""));
            return s.actualPort();
        });
    }

    /** The port of the first listener, or -1 before it listens. */
    public int actualPort() { return servers.isEmpty() ? -1 : servers.get(0).actualPort(); }

    /** Connections with an association object, from TCP accept to close (negotiating ones included). */
    public int openAssociations() { return associations.size(); }

    /**
     * Stops accepting connections (the listening sockets close, so new connections are refused and a load balancer
     * sends them elsewhere) and lets the associations in progress finish: completes once they have all closed, or,
     * after {@code timeout}, aborts those still open (A-ABORT) and completes.
     */
    public Future<Void> drain(Duration timeout) {
        draining = true;
        associations.forEach(Association::keepOpenThroughServerShutdown);
        List<Future<Void>> stops = new ArrayList<>();
        for (NetServer s : servers) stops.add(s.shutdown(timeout.plusSeconds(5)));
        Promise<Void> done = Promise.promise();
        long deadline = System.nanoTime() + timeout.toNanos();
        long timer = vertx.setPeriodic(100, id -> {
            if (associations.isEmpty()) {
                vertx.cancelTimer(id);
                done.tryComplete();
            } else if (System.nanoTime() > deadline) {
                vertx.cancelTimer(id);
                LOG.log(Level.WARNING, "drain timed out after {0} s: aborting {1} associations still open",
                        timeout.toSeconds(), associations.size());
                close().onComplete(ar -> done.tryComplete());
            }
        });
        LOG.log(Level.INFO, "draining: no new associations, {0} still open", associations.size());
        return done.future().onComplete(ar -> vertx.cancelTimer(timer)).transform(ar -> Future.join(stops).mapEmpty());
    }

    /** Aborts every association still open (A-ABORT sent), then stops listening. */
    public Future<Void> close() {
        List<Future<Void>> aborts = new ArrayList<>();
        for (Association as : associations) aborts.add(as.abort());
        return Future.join(aborts).transform(x -> {
            List<Future<Void>> closes = new ArrayList<>();
            for (NetServer s : servers) closes.add(s.close());
            return Future.join(closes).mapEmpty();
        });
    }

    private void onConnect(NetSocket socket) {
        Association as = Association.accepted(vertx, socket, options, owner, listeners);
        associations.add(as);
        if (draining) as.keepOpenThroughServerShutdown();
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
