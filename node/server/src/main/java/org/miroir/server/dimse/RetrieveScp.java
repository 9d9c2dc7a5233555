package org.miroir.server.dimse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.net.DicomClient;
import org.miroir.dicom.net.DimseHandler;
import org.miroir.dicom.net.DimseRequest;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.dicom.net.service.MoveDestination;
import org.miroir.dicom.net.service.RetrieveItem;
import org.miroir.dicom.net.service.RetrieveService;
import org.miroir.cluster.config.AeRegistry;
import org.miroir.cluster.config.RemoteAe;
import org.miroir.server.audit.DicomAudit;
import org.miroir.server.metrics.NodeMetrics;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;
import org.miroir.storage.query.QueryLevel;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * C-MOVE and C-GET SCP of the Patient Root and Study Root models (PS3.4 C.4.2, C.4.3). Checks the identifier
 * (0xA900 with a comment when the level or unique keys are wrong) and, for C-MOVE, the destination against the AE
 * registry (0xA801), resolves the instances from the index (0xA701 beyond {@link #MAX_INSTANCES}), then lets the
 * toolkit's {@link RetrieveService} run the C-STORE sub-operations one at a time with pending counts, streaming each
 * object from the ObjectStore ({@link StoredObjectSource}).
 */
public final class RetrieveScp implements DimseHandler {
    private static final System.Logger LOG = System.getLogger(RetrieveScp.class.getName());
    /** Instances one retrieve may send: bounds the list held for it and the time it can take. */
    static final int MAX_INSTANCES = 100_000;
    private static final int PAGE = 1000;

    private final Vertx vertx;
    private final MetadataStore metadata;
    private final ObjectStore objects;
    private final AeRegistry registry;
    private final DicomClient client;
    private final Path spoolDir;
    private final NodeMetrics metrics;
    private final DicomAudit audit;

    public RetrieveScp(Vertx vertx, MetadataStore metadata, ObjectStore objects, AeRegistry registry,
            DicomClient client, Path spoolDir, NodeMetrics metrics, DicomAudit audit) {
        this.vertx = vertx;
        this.audit = audit;
        this.metadata = metadata;
        this.objects = objects;
        this.registry = registry;
        this.client = client;
        this.spoolDir = spoolDir;
        this.metrics = metrics;
        clearSpool(spoolDir);
    }

    @Override
    public Future<DimseResponse> onCMove(DimseRequest rq, Attributes keys) {
        String dest = rq.moveDestination();
        RemoteAe ae = dest == null ? null : registry.lookup(dest.strip()).orElse(null);
        if (ae == null) {
            LOG.log(Level.INFO, () -> rq + ": unknown move destination " + dest);
            DimseResponse unknown = DimseResponse.of(Status.MOVE_DESTINATION_UNKNOWN
                    .withComment("unknown move destination " + dest));
            audit.retrieved(rq, String.valueOf(dest), List.of(), unknown);
            return Future.succeededFuture(unknown);
        }
        MoveDestination destination = new MoveDestination(ae.aeTitle(), ae.host(), ae.port());
        return retrieve(rq, keys, ae.aeTitle(), items -> new RetrieveService(vertx, (r, k) -> Future.succeededFuture(items),
                aet -> Future.succeededFuture(destination), client).onCMove(rq, keys));
    }

    @Override
    public Future<DimseResponse> onCGet(DimseRequest rq, Attributes keys) {
        return retrieve(rq, keys, null, items -> new RetrieveService(vertx, (r, k) -> Future.succeededFuture(items),
                null, null).onCGet(rq, keys));
    }

    /** Resolves and sends; audited once done ({@code destination}: the C-MOVE destination, null for C-GET). */
    private Future<DimseResponse> retrieve(DimseRequest rq, Attributes keys, String destination,
            java.util.function.Function<List<RetrieveItem>, Future<DimseResponse>> send) {
        List<InstanceRecord> resolvedInstances = new ArrayList<>();
        return resolveAndSend(rq, keys, resolvedInstances, send).andThen(ar -> audit.retrieved(rq, destination,
                resolvedInstances, ar.succeeded() ? ar.result() : DimseResponse.of(Status.UNABLE_TO_PROCESS)));
    }

    private Future<DimseResponse> resolveAndSend(DimseRequest rq, Attributes keys, List<InstanceRecord> resolvedInstances,
            java.util.function.Function<List<RetrieveItem>, Future<DimseResponse>> send) {
        QueryRetrieveModel model = QueryRetrieveModel.of(rq.abstractSyntax());
        Future<List<InstanceRecord>> resolved;
        try {
            resolved = resolve(model, keys);
        } catch (QueryRetrieveModel.IdentifierException e) {
            LOG.log(Level.INFO, () -> rq + ": " + e.getMessage());
            return Future.succeededFuture(DimseResponse.of(e.status));
        }
        return resolved.transform(ar -> {
            if (ar.failed()) {
                Throwable t = ar.cause();
                LOG.log(Level.WARNING, () -> rq + ": cannot resolve the instances: " + t);
                if (t instanceof TooManyInstancesException)
                    return Future.succeededFuture(DimseResponse.of(Status.OUT_OF_RESOURCES_NUMBER_OF_MATCHES
                            .withComment(t.getMessage())));
                Status s = t instanceof StorageException ? Status.OUT_OF_RESOURCES : Status.UNABLE_TO_PROCESS;
                return Future.succeededFuture(DimseResponse.of(s.withComment(t.getMessage())));
            }
            resolvedInstances.addAll(ar.result());
            List<RetrieveItem> items = ar.result().stream().map(this::item).toList();
            LOG.log(Level.DEBUG, () -> rq + ": " + items.size() + " instances to send");
            return send.apply(items);
        });
    }

    private RetrieveItem item(InstanceRecord r) {
        return new RetrieveItem(r.sopClassUid(), r.sopInstanceUid(), r.transferSyntaxUid(),
                () -> Future.succeededFuture(new StoredObjectSource(objects, r, spoolDir, metrics.bytesSent)));
    }

    /** The instances the identifier names; hierarchical keys checked first (synchronously). */
    private Future<List<InstanceRecord>> resolve(QueryRetrieveModel model, Attributes keys)
            throws QueryRetrieveModel.IdentifierException {
        QueryLevel level = model.level(keys);
        model.requireKeysAbove(keys, level);
        List<InstanceRecord> out = new ArrayList<>();
        return switch (level) {
            case PATIENT -> {
                Future<Void> chain = Future.succeededFuture();
                for (String pid : QueryRetrieveModel.uniqueValues(keys, Tag.PatientID))
                    chain = chain.compose(v -> studiesOfPatient(pid, null, out));
                yield chain.map(v -> out);
            }
            case STUDY -> {
                Future<Void> chain = Future.succeededFuture();
                for (String study : QueryRetrieveModel.uniqueValues(keys, Tag.StudyInstanceUID))
                    chain = chain.compose(v -> instancesOf(study, null, out));
                yield chain.map(v -> out);
            }
            case SERIES -> {
                String study = QueryRetrieveModel.single(keys, Tag.StudyInstanceUID);
                Future<Void> chain = Future.succeededFuture();
                for (String series : QueryRetrieveModel.uniqueValues(keys, Tag.SeriesInstanceUID))
                    chain = chain.compose(v -> instancesOf(study, series, out));
                yield chain.map(v -> out);
            }
            case INSTANCE -> {
                List<String> sops = QueryRetrieveModel.uniqueValues(keys, Tag.SOPInstanceUID);
                if (sops.size() > Match.MAX_VALUES)
                    throw new QueryRetrieveModel.IdentifierException(Status.UNABLE_TO_PROCESS,
                            "at most " + Match.MAX_VALUES + " SOP Instance UIDs per retrieve");
                Query q = Query.builder()
                        .match(QueryKey.STUDY_INSTANCE_UID, new Match.Single(QueryRetrieveModel.single(keys, Tag.StudyInstanceUID)))
                        .match(QueryKey.SERIES_INSTANCE_UID, new Match.Single(QueryRetrieveModel.single(keys, Tag.SeriesInstanceUID)))
                        .match(QueryKey.SOP_INSTANCE_UID, sops.size() == 1 ? new Match.Single(sops.get(0)) : new Match.AnyOf(sops))
                        .limit(PAGE).build();
                yield instances(q, out).map(v -> out);
            }
        };
    }

    /** Every instance of a patient's studies ({@code token}: the page of studies to continue from). */
    private Future<Void> studiesOfPatient(String patientId, String token, List<InstanceRecord> out) {
        Query q = Query.builder().match(QueryKey.PATIENT_ID, new Match.Single(patientId)).limit(PAGE).pageToken(token).build();
        return Future.fromCompletionStage(metadata.findStudies(q)).compose((Page<StudyRecord> page) -> {
            Future<Void> chain = Future.succeededFuture();
            for (StudyRecord s : page.items()) chain = chain.compose(v -> instancesOf(s.studyInstanceUid(), null, out));
            return page.hasMore() ? chain.compose(v -> studiesOfPatient(patientId, page.nextPageToken(), out)) : chain;
        });
    }

    private Future<Void> instancesOf(String study, String series, List<InstanceRecord> out) {
        return Future.fromCompletionStage(metadata.instancesOf(study, series)).compose(list -> add(out, list));
    }

    private Future<Void> instances(Query q, List<InstanceRecord> out) {
        return Future.fromCompletionStage(metadata.findInstances(q)).compose(page -> add(out, page.items())
                .compose(v -> page.hasMore() ? instances(q.nextPage(page.nextPageToken()), out) : Future.succeededFuture()));
    }

    private static Future<Void> add(List<InstanceRecord> out, List<InstanceRecord> more) {
        synchronized (out) {
            if (out.size() + more.size() > MAX_INSTANCES)
                return Future.failedFuture(new TooManyInstancesException());
            out.addAll(more);
        }
        return Future.succeededFuture();
    }

    /** Spool files left by a node that stopped mid-transcode. */
    private static void clearSpool(Path dir) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot remove spool file " + f + ": " + e);
                }
            });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list spool directory " + dir + ": " + e);
        }
    }

    private static final class TooManyInstancesException extends Exception {
        private static final long serialVersionUID = 1L;

        TooManyInstancesException() {
            super("more than " + MAX_INSTANCES + " instances: retrieve fewer");
        }
    }
}
