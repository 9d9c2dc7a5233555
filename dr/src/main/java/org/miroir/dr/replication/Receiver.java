package org.miroir.dr.replication;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.miroir.dr.DrMetrics;
import org.miroir.dr.site.SiteLease;
import org.miroir.dr.site.SiteRole;
import org.miroir.dr.verification.Expected;
import org.miroir.dr.verification.MirrorCheck;
import org.miroir.dr.verification.Verdict;
import org.miroir.storage.StorageException;
import org.miroir.storage.digest.Sha256;
import org.miroir.storage.metadata.Deletion;
import org.miroir.storage.metadata.JournalOp;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.object.ObjectKeys;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.worklist.PerformedStep;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistItem;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The mirror's receiver of the {@link Protocol}, on every node of a site (HTTPS, client certificate required). It
 * applies only what the other site ships while this site is the mirror and the sender's epoch is current; anything
 * else is refused with 409 before a byte is applied. Bad input (a truncated body, a digest that does not match, not
 * an instance, malformed JSON) is refused (400 or 422) and nothing of it is kept.
 */
public final class Receiver {
    private static final System.Logger LOG = System.getLogger(Receiver.class.getName());
    private static final long MAX_JSON_BODY = 4L * 1024 * 1024;

    private final Vertx vertx;
    private final SiteLease lease;
    private final ReplicaIndexer indexer;
    private final MetadataStore metadata;
    private final ObjectStore objects;
    private final MirrorCheck check;
    private final DrMetrics metrics;
    private HttpServer server;

    public Receiver(Vertx vertx, SiteLease lease, ReplicaIndexer indexer, MetadataStore metadata, ObjectStore objects,
            DrMetrics metrics) {
        this.vertx = vertx;
        this.lease = lease;
        this.indexer = indexer;
        this.metadata = metadata;
        this.objects = objects;
        this.check = new MirrorCheck(metadata, objects);
        this.metrics = metrics;
    }

    public Future<Integer> listen(String host, int port, ServerSSLOptions tls) {
        Router router = Router.router(vertx);
        router.put(Protocol.OBJECTS + ":key").handler(this::object);
        router.post(Protocol.CHANGES).handler(BodyHandler.create(false).setBodyLimit(MAX_JSON_BODY)).handler(this::changes);
        router.post(Protocol.VERIFY).handler(BodyHandler.create(false).setBodyLimit(MAX_JSON_BODY)).handler(this::verify);
        HttpServerOptions o = new HttpServerOptions().setHost(host).setPort(port).setIdleTimeout(120).setSsl(true)
                .setKeyCertOptions(tls.getKeyCertOptions()).setTrustOptions(tls.getTrustOptions())
                .setClientAuth(tls.getClientAuth()).setEnabledSecureTransportProtocols(tls.getEnabledSecureTransportProtocols());
        server = vertx.createHttpServer(o).requestHandler(router);
        return server.listen().map(s -> {
            LOG.log(Level.INFO, "replication receiver on https://{0}:{1,number,#} (site {2})", host, s.actualPort(),
                    lease.settings().id());
            return s.actualPort();
        });
    }

    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    /** Why a shipment from {@code site} under {@code epoch} must not be applied here, or null when it may. */
    String refusal(String site, String epochHeader) {
        if (site == null || site.equals(lease.settings().id())) return "not sent by the other site: " + site;
        long epoch;
        try {
            epoch = Long.parseLong(epochHeader);
        } catch (NumberFormatException | NullPointerException e) {
            return "no fencing epoch";
        }
        SiteRole role = lease.role();
        if (role != SiteRole.PASSIVE) return "site " + lease.settings().id() + " is " + role + ", not the mirror";
        if (epoch < lease.epoch()) return "stale epoch " + epoch + ": the current epoch is " + lease.epoch();
        return null;
    }

    private boolean gate(RoutingContext rc) {
        HttpServerRequest rq = rc.request();
        String refusal = refusal(rq.getHeader(Protocol.SITE), rq.getHeader(Protocol.EPOCH));
        if (refusal == null) return true;
        metrics.received.labels("refused").inc();
        LOG.log(Level.WARNING, "replication from {0} refused: {1}", rq.remoteAddress(), refusal);
        answer(rc, 409, refusal);
        return false;
    }

    private void object(RoutingContext rc) {
        HttpServerRequest rq = rc.request();
        if (!gate(rc)) return;
        String key = rc.pathParam("key");
        String sha = rq.getHeader(Protocol.SHA256);
        long size, storedAt;
        try {
            ObjectKeys.requireValid(key);
            if (sha == null || !Sha256.isHex(sha)) throw new IllegalArgumentException("no SHA-256");
            size = Long.parseLong(rq.getHeader("Content-Length"));
            storedAt = Long.parseLong(rq.getHeader(Protocol.STORED_AT));
        } catch (RuntimeException e) {
            metrics.received.labels("invalid").inc();
            answer(rc, 400, "bad object shipment: " + e.getMessage());
            return;
        }
        boolean repair = "true".equals(rq.getHeader(Protocol.REPAIR));
        indexer.store(rq, key, size, sha, Instant.ofEpochMilli(storedAt), repair).onComplete(ar -> {
            if (ar.succeeded()) {
                metrics.received.labels(ar.result() ? "stored" : "already").inc();
                rc.json(new JsonObject().put("stored", ar.result()));
            } else {
                fail(rc, "object " + key, ar.cause());
            }
        });
    }

    private void changes(RoutingContext rc) {
        if (!gate(rc)) return;
        JsonArray changes;
        try {
            changes = rc.body().asJsonArray();
            if (changes == null || changes.size() > Protocol.MAX_CHANGES)
                throw new IllegalArgumentException("a JSON array of at most " + Protocol.MAX_CHANGES + " changes");
        } catch (RuntimeException e) {
            metrics.received.labels("invalid").inc();
            answer(rc, 400, "bad changes: " + e.getMessage());
            return;
        }
        vertx.executeBlocking(() -> {
            for (Object c : changes) apply((JsonObject) c);
            return changes.size();
        }, true).onComplete(ar -> {
            if (ar.succeeded()) {
                metrics.received.labels("applied").inc(ar.result());
                rc.json(new JsonObject().put("applied", ar.result()));
            } else {
                fail(rc, "changes", ar.cause());
            }
        });
    }

    /**
     * One change, applied idempotently: a delete of what is not here is done already; a record (patient, worklist item,
     * performed step) is brought to the state the active site shipped.
     */
    private void apply(JsonObject c) throws IOException {
        JournalOp op = JournalOp.valueOf(c.getString("op"));
        String study = c.getString("study"), series = c.getString("series"), sop = c.getString("sop");
        switch (op) {
            case DELETE_STUDY, DELETE_SERIES, DELETE_INSTANCE -> {
                Deletion d = wait(op, op == JournalOp.DELETE_STUDY ? metadata.deleteStudy(study)
                        : op == JournalOp.DELETE_SERIES ? metadata.deleteSeries(study, series)
                        : metadata.deleteInstance(study, series, sop));
                for (String key : d.objectKeys()) objects.delete(key);
            }
            case PATIENT_UPDATE -> wait(op, metadata.updatePatient(RecordCodec.patient(c.getJsonObject("patient"))));
            case PATIENT_MERGE -> wait(op, metadata.mergePatients(RecordCodec.key(c.getJsonObject("prior")),
                    RecordCodec.patient(c.getJsonObject("patient"))));
            case WORKLIST_UPDATE -> converge(RecordCodec.item(c.getJsonObject("item")));
            case PERFORMED_STEP_UPDATE -> converge(RecordCodec.step(c.getJsonObject("step")));
            case STORE -> throw new IllegalArgumentException("a store ships its object, not a change");
        }
    }

    /**
     * Brings a worklist item to the shipped state through the store's own transitions: a scheduled one is (re)written,
     * an ended one ended (created first if this site never saw it), a started or completed one exists (its performed
     * step's change moves it on).
     */
    private void converge(WorklistItem item) throws IOException {
        WorklistItem here = wait(JournalOp.WORKLIST_UPDATE, metadata.worklistItem(item.itemId())).orElse(null);
        if (item.status() == StepStatus.SCHEDULED) {
            wait(JournalOp.WORKLIST_UPDATE, metadata.scheduleWorklistItem(item, true));
            return;
        }
        if (here == null) wait(JournalOp.WORKLIST_UPDATE, metadata.scheduleWorklistItem(RecordCodec.scheduled(item), true));
        if ((item.status() == StepStatus.CANCELED || item.status() == StepStatus.DISCONTINUED)
                && (here == null || here.status() != item.status()))
            wait(JournalOp.WORKLIST_UPDATE, metadata.endWorklistItem(item.itemId(), item.status()));
    }

    /** Brings a performed step to the shipped state: created in progress if new here, then its final status. */
    private void converge(PerformedStep step) throws IOException {
        PerformedStep here = wait(JournalOp.PERFORMED_STEP_UPDATE, metadata.performedStep(step.sopInstanceUid()))
                .orElse(null);
        if (here == null)
            wait(JournalOp.PERFORMED_STEP_UPDATE, metadata.createPerformedStep(new PerformedStep(step.sopInstanceUid(),
                    PerformedStep.Status.IN_PROGRESS, step.worklistItemIds(), step.attributes())));
        if (step.status() != PerformedStep.Status.IN_PROGRESS
                && (here == null || here.status() == PerformedStep.Status.IN_PROGRESS))
            wait(JournalOp.PERFORMED_STEP_UPDATE, metadata.updatePerformedStep(step));
    }

    private static <T> T wait(JournalOp op, CompletionStage<T> stage) throws IOException {
        try {
            return stage.toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof IllegalArgumentException iae) throw iae;
            throw new StorageException("applying " + op + ": " + cause.getMessage(), cause);
        }
    }

    private void verify(RoutingContext rc) {
        if (!gate(rc)) return;
        List<Expected> items = new ArrayList<>();
        try {
            JsonArray a = rc.body().asJsonObject().getJsonArray("items");
            if (a == null || a.size() > Protocol.MAX_VERIFY_ITEMS)
                throw new IllegalArgumentException("items: at most " + Protocol.MAX_VERIFY_ITEMS);
            for (Object o : a) items.add(Expected.fromJson((JsonObject) o));
        } catch (RuntimeException e) {
            answer(rc, 400, "bad verify request: " + e.getMessage());
            return;
        }
        vertx.executeBlocking(() -> check.check(items), false).onComplete(ar -> {
            if (ar.failed()) {
                fail(rc, "verification", ar.cause());
                return;
            }
            JsonArray results = new JsonArray();
            for (Verdict v : ar.result()) results.add(v.name());
            rc.json(new JsonObject().put("results", results));
        });
    }

    private void fail(RoutingContext rc, String what, Throwable t) {
        boolean invalid = t instanceof IllegalArgumentException || t instanceof ClassCastException;
        metrics.received.labels(invalid ? "invalid" : "failed").inc();
        LOG.log(invalid ? Level.WARNING : Level.ERROR, "replication of " + what + " not applied: " + t.getMessage());
        if (rc.response().ended() || rc.request().connection() == null) return;
        answer(rc, invalid ? 422 : 503, what + " not applied: " + t.getMessage());
    }

    private static void answer(RoutingContext rc, int status, String reason) {
        if (rc.response().ended()) return;
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", reason).encode());
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
