package org.miroir.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.miroir.cluster.Cluster;
import org.miroir.cluster.ClusterMetrics;
import org.miroir.cluster.config.AeRegistry;
import org.miroir.cluster.config.SharedConfig;
import org.miroir.cluster.jobs.ClusterJobs;
import org.miroir.cluster.jobs.PeriodicJob;
import org.miroir.dicom.net.AssociationOptions;
import org.miroir.dicom.net.DicomServer;
import org.miroir.server.access.DicomAccess;
import org.miroir.server.audit.Actor;
import org.miroir.server.audit.Audit;
import org.miroir.server.audit.AuditEvents;
import org.miroir.server.audit.DicomAudit;
import org.miroir.server.audit.HttpAudit;
import org.miroir.server.auth.HttpAccess;
import org.miroir.server.auth.TokenVerifier;
import org.miroir.server.config.LiveSettings;
import org.miroir.server.config.NodeConfig;
import org.miroir.dr.DisasterRecovery;
import org.miroir.server.dimse.AssociationMetrics;
import org.miroir.server.dimse.DimseAccessLog;
import org.miroir.server.dimse.DimseServices;
import org.miroir.server.health.HealthProbe;
import org.miroir.server.hl7.Hl7Receiver;
import org.miroir.server.hl7.MllpServer;
import org.miroir.server.http.AdminRoutes;
import org.miroir.server.http.DrRoutes;
import org.miroir.server.http.HealthRoutes;
import org.miroir.server.http.HttpAccessLog;
import org.miroir.server.http.HttpMetrics;
import org.miroir.server.replica.ReplicaStore;
import org.miroir.server.metrics.CertificateExpiry;
import org.miroir.server.metrics.NodeMetrics;
import org.miroir.server.storage.Storage;
import org.miroir.server.store.Ingest;
import org.miroir.server.store.OrphanSweeper;
import org.miroir.server.web.DicomWeb;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * One archive node: its stores, its place in the cluster and in the pair of sites, its DICOM listeners (plain and TLS),
 * its HTTP listener and its HL7 (MLLP) listener.
 * Started by {@link #start}; stopped gracefully by {@link #drain} (what SIGTERM does) or at once by {@link #stop}.
 */
public final class Node {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());
    /** How long a metadata write may take before the C-STORE fails with "out of resources". */
    private static final long METADATA_TIMEOUT_MILLIS = 30_000;
    /** A client that neither sends nor reads for this long is disconnected, so it cannot hold a connection forever. */
    private static final int HTTP_IDLE_TIMEOUT_SECONDS = 120;
    public static final String ORPHAN_SWEEPER = "orphan-sweeper";

    private final NodeContext context;
    private final DicomServer dicom;
    private final HttpServer http;
    private final HttpServer https;
    private final MllpServer hl7;
    private final SharedConfig sharedConfig;
    private final boolean ownsVertx;
    private final HealthProbe probe;
    private int dicomTlsPort = -1;

    private Node(NodeContext context, DicomServer dicom, HttpServer http, HttpServer https, MllpServer hl7,
            SharedConfig sharedConfig, boolean ownsVertx) {
        this.context = context;
        this.dicom = dicom;
        this.http = http;
        this.https = https;
        this.hl7 = hl7;
        this.sharedConfig = sharedConfig;
        this.ownsVertx = ownsVertx;
        this.probe = new HealthProbe(context);
    }

    /** Starts a node on a Vert.x of its own, clustered when the configuration lists members (closed when it stops). */
    public static Future<Node> start(NodeConfig config) {
        return Cluster.start(config.cluster(), new VertxOptions().setWorkerPoolSize(64))
                .compose(cluster -> start(cluster, config, true).onFailure(t -> cluster.leave()));
    }

    /** Starts a node alone on {@code vertx} (tests that share one Vert.x); closes it on stop if {@code ownsVertx}. */
    public static Future<Node> start(Vertx vertx, NodeConfig config, boolean ownsVertx) {
        return start(Cluster.alone(vertx), config, ownsVertx);
    }

    private static Future<Node> start(Cluster cluster, NodeConfig config, boolean ownsVertx) {
        Vertx vertx = cluster.vertx();
        NodeMetrics metrics = new NodeMetrics();
        return vertx.executeBlocking(() -> Audit.start(config.audit(),
                        new Actor(config.aeTitle(), null, config.bindAddress()), metrics.registry), false)
                .compose(audit -> vertx.executeBlocking(() -> Storage.open(config.storage(), config.dataDir()), false)
                        .onFailure(t -> audit.close())
                        .compose(opened -> start(cluster, config, ownsVertx, metrics, audit, opened)));
    }

    private static Future<Node> start(Cluster cluster, NodeConfig config, boolean ownsVertx, NodeMetrics metrics,
            Audit audit, Storage opened) {
        Vertx vertx = cluster.vertx();
        Storage storage = opened.observed(config.storage(), metrics);
        SharedConfig shared = new SharedConfig(vertx, storage.metadata());
        AeRegistry registry = new AeRegistry(shared, config.aeRegistry());
        LiveSettings settings = new LiveSettings(shared, config);
        DisasterRecovery dr = DisasterRecovery.of(vertx, config.site(), storage.metadata(), shared,
                metrics.registry);
        Ingest ingest = new Ingest(storage.metadata(), storage.objects(), settings::duplicatePolicy,
                dr::writesAllowed, metrics, METADATA_TIMEOUT_MILLIS);
        OrphanSweeper sweeper = new OrphanSweeper(storage.metadata(), storage.objects(), metrics,
                config.orphanGrace(), Clock.systemUTC());
        ClusterJobs jobs = new ClusterJobs(cluster, new ClusterMetrics(metrics.registry));
        NodeContext ctx = new NodeContext(vertx, config, storage, ingest, metrics, sweeper, cluster, jobs,
                registry, settings, dr, new NodeState(), audit);
        return shared.start(config.configRefresh())
                // The role is known before the node listens: a mirror never accepts a write by mistake.
                .compose(v -> dr.start(config.bindAddress(), storage.objects(), jobs,
                        new ReplicaStore(vertx, ingest)))
                .compose(v -> listen(ctx, shared, ownsVertx))
                .onFailure(t -> {
                    dr.stop();
                    shared.stop();
                    storage.close();
                    audit.close();
                });
    }

    private static Future<Node> listen(NodeContext ctx, SharedConfig shared, boolean ownsVertx) {
        NodeConfig config = ctx.config();
        AssociationOptions options = new AssociationOptions()
                .setMaxPduLengthReceive(config.maxPduLength())
                .setArtimTimeoutMillis(config.associationTimeout().toMillis())
                .setIdleTimeoutMillis(config.idleTimeout().toMillis());
        DicomAudit dicomAudit = new DicomAudit(ctx.audit(), ctx.storage().metadata());
        DicomAccess access = new DicomAccess(ctx.vertx(), ctx.aeRegistry(), ctx.settings(), ctx.audit());
        DicomServer dicom = new DicomServer(ctx.vertx(), options)
                .addApplicationEntity(DimseServices.archiveAE(ctx, access, dicomAudit))
                .addListener(new AssociationMetrics(ctx.metrics()))
                .addListener(new DimseAccessLog())
                .addListener(dicomAudit)
                .setMaxAssociations(config.maxAssociations());

        TokenVerifier verifier;
        try {
            verifier = config.auth().open() ? null : new TokenVerifier(config.auth(), Clock.systemUTC());
        } catch (IOException | RuntimeException e) {
            return Future.failedFuture(new IllegalArgumentException("auth: cannot read the issuer's keys: " + e, e));
        }
        if (config.auth().open())
            LOG.log(Level.WARNING, "*** DICOMweb and the admin API are OPEN: no authentication, every request may read, "
                    + "store, delete and reconfigure ({0}) ***", config.auth().explicit()
                    ? "auth.mode is open" : "no auth section; allowed on the loopback bind address " + config.bindAddress());
        Router router = Router.router(ctx.vertx());
        router.route().handler(new HttpMetrics(ctx.metrics()));
        router.route().handler(new HttpAccessLog());
        router.route().handler(new HttpAccess(config.auth(), verifier, ctx.storage().metadata(), ctx.audit()));
        router.route().handler(new HttpAudit(ctx.storage().metadata(), ctx.audit()));
        HealthRoutes.mount(router, ctx);
        AdminRoutes.mount(router, ctx);
        DrRoutes.mount(router, ctx);
        DicomWeb.mount(router, ctx);
        HttpServer http = ctx.vertx().createHttpServer(httpOptions(config, config.httpPort())).requestHandler(router);
        HttpServer https = config.httpsPort() == 0 ? null : ctx.vertx()
                .createHttpServer(config.tls().applyTo(httpOptions(config, config.httpsPort()))).requestHandler(router);

        MllpServer hl7 = new MllpServer(ctx.vertx(), config.hl7(), new Hl7Receiver(ctx.vertx(),
                ctx.storage().metadata(), ctx.metrics(), config.hl7(), ctx.dr()::writesAllowed, ctx.audit()),
                ctx.metrics());

        Node node = new Node(ctx, dicom, http, https, hl7, shared, ownsVertx);
        return access.start()
                .compose(v -> dicom.listen(config.bindAddress(), config.dicomPort()))
                .compose(p -> config.dicomTlsPort() == 0 ? Future.succeededFuture(-1)
                        : dicom.listen(config.bindAddress(), config.dicomTlsPort(), config.tls().serverOptions()))
                .compose(tlsPort -> {
                    node.dicomTlsPort = tlsPort;
                    return http.listen();
                })
                .compose(h -> https == null ? Future.succeededFuture(h) : https.listen())
                .compose(h -> hl7.listen(config.bindAddress(), config.hl7Port()))
                .map(h -> {
                    ctx.audit().record(AuditEvents.applicationActivity(ctx.audit().node(), true));
                    ctx.jobs().register(new PeriodicJob(ORPHAN_SWEEPER, ctx.vertx(), config.orphanSweepInterval(),
                            () -> AdminRoutes.sweep(ctx), ctx.jobs().runs()));
                    node.probe.start();
                    exportCertificateExpiry(config, ctx.metrics());
                    LOG.log(Level.INFO, "Miroir node {0} listening: DICOM {1}:{2,number,#}{3}, HTTP {1}:{4,number,#}{9}, "
                                    + "HL7 {1}:{5,number,#}, data {6}, cluster members {7}, site role {8}",
                            config.aeTitle(), config.bindAddress(), node.dicomPort(),
                            node.dicomTlsPort > 0 ? " (TLS " + node.dicomTlsPort + ")" : "", node.httpPort(),
                            node.hl7Port(), config.dataDir().toAbsolutePath(), ctx.cluster().members().size(),
                            ctx.dr().role(), https == null ? "" : " (HTTPS " + node.httpsPort() + ")");
                    return node;
                })
                .onFailure(t -> dicom.close().transform(x -> http.close())
                        .transform(x -> https == null ? Future.succeededFuture() : https.close())
                        .transform(x -> hl7.close()));
    }

    private static HttpServerOptions httpOptions(NodeConfig config, int port) {
        return new HttpServerOptions().setHost(config.bindAddress()).setPort(port).setTcpNoDelay(true)
                .setIdleTimeout(HTTP_IDLE_TIMEOUT_SECONDS);
    }

    /** The expiry of every TLS key the node loaded: DICOM and HTTPS, HL7 and replication listeners. */
    private static void exportCertificateExpiry(NodeConfig config, NodeMetrics metrics) {
        if (config.tls() != null)
            CertificateExpiry.export(metrics.certificateExpiry, "dicom", config.tls().keyStore(),
                    config.tls().keyStorePassword(), "PKCS12");
        if (config.hl7().tls() != null)
            CertificateExpiry.export(metrics.certificateExpiry, "hl7", config.hl7().tls().keyStore(),
                    config.hl7().tls().keyStorePassword(), "PKCS12");
        if (config.site() != null && config.site().tls() != null)
            CertificateExpiry.export(metrics.certificateExpiry, "replication", Path.of(config.site().tls().keyStore()),
                    config.site().tls().keyStorePassword(), "PKCS12");
    }

    public NodeContext context() { return context; }

    public int dicomPort() { return dicom.actualPort(); }

    /** The DICOM TLS port, or -1 when the node has no TLS listener. */
    public int dicomTlsPort() { return dicomTlsPort; }

    public int httpPort() { return http.actualPort(); }

    /** The HTTPS port, or -1 when the node has no HTTPS listener. */
    public int httpsPort() { return https == null ? -1 : https.actualPort(); }

    public int hl7Port() { return hl7.actualPort(); }

    public int openAssociations() { return dicom.openAssociations(); }

    /**
     * The graceful stop (SIGTERM): turn not-ready, keep serving for the drain grace so the load balancer's health
     * checks see it and send new work elsewhere, stop accepting and let associations and requests in progress finish
     * (at most the drain timeout), stop this node's jobs, close the stores. Then call {@link #leave()}.
     */
    public Future<Void> drain() {
        NodeConfig config = context.config();
        context.state().startDraining();
        LOG.log(Level.INFO, "draining: not ready; accepting for {0} ms more, then finishing the {1} associations in "
                + "progress (at most {2} s)", config.drainGrace().toMillis(), dicom.openAssociations(),
                config.drainTimeout().toSeconds());
        Vertx vertx = context.vertx();
        Future<Void> grace = config.drainGrace().isZero() ? Future.succeededFuture()
                : vertx.timer(config.drainGrace().toMillis(), TimeUnit.MILLISECONDS).mapEmpty();
        return grace
                // An HL7 sender whose message was cut resends it (MLLP is at-least-once; the handlers are idempotent).
                .compose(v -> Future.join(dicom.drain(config.drainTimeout()), http.shutdown(config.drainTimeout()),
                        https == null ? Future.succeededFuture() : https.shutdown(config.drainTimeout()), hl7.close()))
                .transform(ar -> release())
                .onComplete(ar -> LOG.log(Level.INFO, "drained: associations finished, jobs stopped, stores closed"));
    }

    /** Stops at once: aborts associations, closes listeners, stops jobs, closes the stores. Then call {@link #leave()}. */
    public Future<Void> stop() {
        return hl7.close().transform(ar -> dicom.close()).transform(ar -> http.close())
                .transform(ar -> https == null ? Future.succeededFuture() : https.close()).transform(ar -> release());
    }

    private Future<Void> release() {
        probe.stop();
        return context.jobs().stopAll()
                .transform(ar -> context.dr().stop())
                .transform(ar -> sharedConfig.stop())
                .transform(ar -> context.vertx().executeBlocking(() -> {
                    context.storage().close();
                    context.audit().record(AuditEvents.applicationActivity(context.audit().node(), false));
                    context.audit().close(); // what could not be sent waits in the spool for the next start
                    return null;
                }, false));
    }

    /**
     * Leaves the cluster (its other members take over this node's jobs at once) and closes Vert.x, if the node owns it.
     * Call from a thread of your own, not a Vert.x one: the future completes as Vert.x's last threads end.
     */
    public Future<Void> leave() {
        return ownsVertx ? context.cluster().leave() : Future.succeededFuture();
    }
}
