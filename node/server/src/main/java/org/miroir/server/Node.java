package org.miroir.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.miroir.dicom.net.AssociationOptions;
import org.miroir.dicom.net.DicomServer;
import org.miroir.server.config.NodeConfig;
import org.miroir.server.dimse.AssociationMetrics;
import org.miroir.server.dimse.DimseServices;
import org.miroir.server.hl7.Hl7Receiver;
import org.miroir.server.hl7.MllpServer;
import org.miroir.server.http.HealthRoutes;
import org.miroir.server.http.HttpMetrics;
import org.miroir.server.metrics.NodeMetrics;
import org.miroir.server.storage.Storage;
import org.miroir.server.store.Ingest;
import org.miroir.server.store.OrphanSweeper;
import org.miroir.server.http.AdminRoutes;

import java.time.Clock;
import org.miroir.server.web.DicomWeb;

/** One archive node: its stores, its DICOM listener, its HTTP listener and its HL7 (MLLP) listener. */
public final class Node {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());
    /** How long a metadata write may take before the C-STORE fails with "out of resources". */
    private static final long METADATA_TIMEOUT_MILLIS = 30_000;
    /** A client that neither sends nor reads for this long is disconnected, so it cannot hold a connection forever. */
    private static final int HTTP_IDLE_TIMEOUT_SECONDS = 120;

    private final NodeContext context;
    private final DicomServer dicom;
    private final HttpServer http;
    private final MllpServer hl7;
    private final boolean ownsVertx;
    private long sweepTimer = -1;

    private Node(NodeContext context, DicomServer dicom, HttpServer http, MllpServer hl7, boolean ownsVertx) {
        this.context = context;
        this.dicom = dicom;
        this.http = http;
        this.hl7 = hl7;
        this.ownsVertx = ownsVertx;
    }

    /** Starts a node with a Vert.x of its own (closed by {@link #stop()}). */
    public static Future<Node> start(NodeConfig config) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(64));
        return start(vertx, config, true).onFailure(t -> vertx.close());
    }

    public static Future<Node> start(Vertx vertx, NodeConfig config, boolean ownsVertx) {
        return vertx.executeBlocking(() -> Storage.open(config.storage(), config.dataDir()), false)
                .compose(storage -> {
                    NodeMetrics metrics = new NodeMetrics();
                    Ingest ingest = new Ingest(storage.metadata(), storage.objects(), config.duplicatePolicy(),
                            metrics, METADATA_TIMEOUT_MILLIS);
                    OrphanSweeper sweeper = new OrphanSweeper(storage.metadata(), storage.objects(), metrics,
                            config.orphanGrace(), Clock.systemUTC());
                    NodeContext ctx = new NodeContext(vertx, config, storage, ingest, metrics, sweeper);
                    return listen(ctx, ownsVertx).onFailure(t -> storage.close());
                });
    }

    private static Future<Node> listen(NodeContext ctx, boolean ownsVertx) {
        NodeConfig config = ctx.config();
        AssociationOptions options = new AssociationOptions()
                .setMaxPduLengthReceive(config.maxPduLength())
                .setArtimTimeoutMillis(config.associationTimeout().toMillis())
                .setIdleTimeoutMillis(config.idleTimeout().toMillis());
        DicomServer dicom = new DicomServer(ctx.vertx(), options)
                .addApplicationEntity(DimseServices.archiveAE(ctx))
                .addListener(new AssociationMetrics(ctx.metrics()))
                .setMaxAssociations(config.maxAssociations());

        Router router = Router.router(ctx.vertx());
        router.route().handler(new HttpMetrics(ctx.metrics()));
        HealthRoutes.mount(router, ctx);
        AdminRoutes.mount(router, ctx);
        DicomWeb.mount(router, ctx);
        HttpServer http = ctx.vertx().createHttpServer(new HttpServerOptions().setHost(config.bindAddress())
                .setPort(config.httpPort()).setTcpNoDelay(true)
                .setIdleTimeout(HTTP_IDLE_TIMEOUT_SECONDS)).requestHandler(router);

        MllpServer hl7 = new MllpServer(ctx.vertx(), config.hl7(), new Hl7Receiver(ctx.vertx(),
                ctx.storage().metadata(), ctx.metrics(), config.hl7()), ctx.metrics());

        return dicom.listen(config.bindAddress(), config.dicomPort())
                .compose(p -> http.listen())
                .compose(h -> hl7.listen(config.bindAddress(), config.hl7Port()))
                .map(h -> {
                    Node node = new Node(ctx, dicom, http, hl7, ownsVertx);
                    node.sweepTimer = ctx.vertx().setPeriodic(config.orphanSweepInterval().toMillis(),
                            id -> AdminRoutes.sweep(ctx));
                    LOG.log(System.Logger.Level.INFO, "Miroir node {0} listening: DICOM {1}:{2,number,#}, HTTP {1}:{3,number,#}, HL7 {1}:{4,number,#}, data {5}",
                            config.aeTitle(), config.bindAddress(), node.dicomPort(), node.httpPort(), node.hl7Port(),
                            config.dataDir().toAbsolutePath());
                    return node;
                })
                .onFailure(t -> dicom.close().transform(x -> http.close()).transform(x -> hl7.close()));
    }

    public NodeContext context() { return context; }

    public int dicomPort() { return dicom.actualPort(); }

    public int httpPort() { return http.actualPort(); }

    public int hl7Port() { return hl7.actualPort(); }

    public int openAssociations() { return dicom.openAssociations(); }

    /** Stops listening, closes the stores (their queued writes complete first), then Vert.x if the node owns it. */
    public Future<Void> stop() {
        context.vertx().cancelTimer(sweepTimer);
        return hl7.close()
                .transform(ar -> dicom.close())
                .transform(ar -> http.close())
                .transform(ar -> context.vertx().executeBlocking(() -> {
                    context.storage().close();
                    return null;
                }, false))
                .transform(ar -> ownsVertx ? context.vertx().close() : Future.succeededFuture())
                .mapEmpty();
    }
}
