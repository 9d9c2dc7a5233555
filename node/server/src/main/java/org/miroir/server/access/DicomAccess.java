package org.miroir.server.access;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.miroir.cluster.config.AePermission;
import org.miroir.cluster.config.AeRegistry;
import org.miroir.cluster.config.RemoteAe;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.net.ApplicationEntity;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.DimseHandler;
import org.miroir.dicom.net.DimseRequest;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.dicom.net.pdu.AAssociateRJ;
import org.miroir.server.audit.Actor;
import org.miroir.server.audit.Audit;
import org.miroir.server.audit.AuditEvents;
import org.miroir.server.audit.AuditMessage;
import org.miroir.server.config.LiveSettings;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Who may do what over DICOM, from the cluster-wide AE registry: with {@code checkCallingHosts} a calling AE must be
 * registered and call from its registered host (the host's addresses, names resolved when the registry changes),
 * else A-ASSOCIATE-RJ (permanent, service user, calling AE title not recognized); and each registered AE uses only
 * the services its permissions name, others answered 0x0124 (Refused: Not authorized). An AE the registry does not
 * know (only possible while calling AEs are not restricted to it) may use every service.
 */
public final class DicomAccess {
    private static final System.Logger LOG = System.getLogger(DicomAccess.class.getName());
    private final Vertx vertx;
    private final AeRegistry registry;
    private final LiveSettings settings;
    private final Audit audit;
    /** Each registered AE's host as addresses, rebuilt off the event loop when the registry changes. */
    private volatile Map<String, Set<String>> addresses = Map.of();

    public DicomAccess(Vertx vertx, AeRegistry registry, LiveSettings settings, Audit audit) {
        this.vertx = vertx;
        this.registry = registry;
        this.settings = settings;
        this.audit = audit;
    }

    /** Resolves the registry's hosts now and whenever it changes. */
    public Future<Void> start() {
        registry.onChange(this::resolve);
        return resolve();
    }

    private Future<Void> resolve() {
        Map<String, RemoteAe> aes = new HashMap<>();
        registry.entries().forEach((aet, e) -> aes.put(aet, e.ae()));
        return vertx.executeBlocking(() -> {
            Map<String, Set<String>> m = new HashMap<>();
            aes.forEach((aet, ae) -> {
                Set<String> ips = new HashSet<>();
                try {
                    for (InetAddress a : InetAddress.getAllByName(ae.host())) ips.add(a.getHostAddress());
                } catch (UnknownHostException e) {
                    LOG.log(Level.WARNING, "AE {0}: host {1} does not resolve: it cannot call while hosts are checked",
                            aet, ae.host());
                }
                m.put(aet, Set.copyOf(ips));
            });
            addresses = Map.copyOf(m);
            return null;
        }, false);
    }

    /** The check of calling AE and host the archive AE runs on every association request. */
    public ApplicationEntity.CallerCheck callerCheck() {
        return (aet, host) -> {
            if (!settings.checkCallingHosts()) return null;
            Set<String> ips = addresses.get(aet);
            if (ips != null && registry.lookup(aet).isPresent() && ips.contains(host)) return null;
            LOG.log(Level.INFO, "calling AE {0} refused from {1}: {2}", aet, host,
                    ips == null ? "not registered" : "not its registered host");
            return AAssociateRJ.callingAETitleNotRecognized();
        };
    }

    private boolean permitted(Association as, AePermission p) {
        return registry.lookup(as.callingAETitle()).map(ae -> ae.may(p)).orElse(true);
    }

    /** {@code h} for AEs with permission {@code p}: others get 0x0124 and a Security Alert is audited. */
    public DimseHandler require(AePermission p, DimseHandler h) {
        return new DimseHandler() {
            private Status refuse(DimseRequest rq) {
                Association as = rq.association();
                String what = rq.dimse() + " of " + rq.sopClassUid();
                LOG.log(Level.INFO, "{0}: {1} refused: AE {2} has no {3} permission", as, what, as.callingAETitle(), p.key());
                audit.record(AuditEvents.securityAlert(AuditEvents.RESTRICTED_FUNCTION,
                        new Actor(as.callingAETitle(), null, as.remoteAddress().hostAddress()), audit.node(),
                        "DICOM " + what, "AE " + as.callingAETitle() + " has no " + p.key() + " permission",
                        AuditMessage.MINOR_FAILURE));
                return Status.NOT_AUTHORIZED.withComment("AE " + as.callingAETitle() + " may not " + p.key());
            }

            @Override
            public Future<Status> onCEcho(DimseRequest rq) { return h.onCEcho(rq); }

            @Override
            public Future<Status> onCStore(DimseRequest rq, ReadStream<Buffer> data) {
                // Completing before the data set ended discards the rest of it: nothing is kept.
                return permitted(rq.association(), p) ? h.onCStore(rq, data) : Future.succeededFuture(refuse(rq));
            }

            @Override
            public Future<Status> onCFind(DimseRequest rq, Attributes keys) {
                return permitted(rq.association(), p) ? h.onCFind(rq, keys) : Future.succeededFuture(refuse(rq));
            }

            /** The operation when permitted, else its refusal (C-MOVE, C-GET, N-CREATE, N-SET answer a response). */
            private Future<DimseResponse> orRefuse(DimseRequest rq, Supplier<Future<DimseResponse>> op) {
                return permitted(rq.association(), p) ? op.get() : Future.succeededFuture(DimseResponse.of(refuse(rq)));
            }

            @Override
            public Future<DimseResponse> onCMove(DimseRequest rq, Attributes keys) {
                return orRefuse(rq, () -> h.onCMove(rq, keys));
            }

            @Override
            public Future<DimseResponse> onCGet(DimseRequest rq, Attributes keys) {
                return orRefuse(rq, () -> h.onCGet(rq, keys));
            }

            @Override
            public Future<DimseResponse> onNCreate(DimseRequest rq, Attributes attributes) {
                return orRefuse(rq, () -> h.onNCreate(rq, attributes));
            }

            @Override
            public Future<DimseResponse> onNSet(DimseRequest rq, Attributes modifications) {
                return orRefuse(rq, () -> h.onNSet(rq, modifications));
            }
        };
    }
}
