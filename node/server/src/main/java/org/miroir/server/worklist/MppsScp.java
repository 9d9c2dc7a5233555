package org.miroir.server.worklist;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.net.DimseHandler;
import org.miroir.dicom.net.DimseRequest;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.server.store.HeaderCodec;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.query.Match;
import org.miroir.storage.worklist.PerformedStep;
import org.miroir.storage.worklist.WorklistItem;
import org.miroir.storage.worklist.WorklistKey;
import org.miroir.storage.worklist.WorklistQuery;

import java.lang.System.Logger.Level;
import java.util.function.BooleanSupplier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Modality Performed Procedure Step SCP (PS3.4 F.7, 1.2.840.10008.3.1.2.3.3). N-CREATE records a step IN PROGRESS and
 * starts the worklist items its Scheduled Step Attributes Sequence names (by Accession Number, Requested Procedure
 * ID and Scheduled Procedure Step ID; an item without SPS ID is an unscheduled step); N-SET merges its attributes
 * into the step while it is IN PROGRESS, and COMPLETED or DISCONTINUED end its items, which leave the worklist.
 *
 * <p>Statuses: 0x0111 a step with that SOP Instance UID exists; 0x0112 N-SET of an unknown step; 0x0110 an N-SET of a
 * step no longer in progress ("Performed Procedure Step Object may no longer be updated"); 0x0106 a Performed
 * Procedure Step Status other than IN PROGRESS at creation or not a defined term later; 0x0120 creation without its
 * data set or its Scheduled Step Attributes Sequence; 0xA700 the store unavailable.
 */
public final class MppsScp implements DimseHandler {
    private static final System.Logger LOG = System.getLogger(MppsScp.class.getName());

    private final Vertx vertx;
    private final MetadataStore metadata;
    private final BooleanSupplier writable;

    /** {@code writable}: whether this site accepts changes now (a mirror refuses them). */
    public MppsScp(Vertx vertx, MetadataStore metadata, BooleanSupplier writable) {
        this.vertx = vertx;
        this.metadata = metadata;
        this.writable = writable;
    }

    private static final Status NOT_WRITABLE = Status.PROCESSING_FAILURE.withComment(
            "this site does not accept changes now (passive mirror or fenced): send to the active site");

    @Override
    public Future<DimseResponse> onNCreate(DimseRequest rq, Attributes attributes) {
        if (!writable.getAsBoolean()) return answer(NOT_WRITABLE);
        if (attributes == null)
            return answer(Status.MISSING_ATTRIBUTE.withComment("N-CREATE of a performed step needs its attributes"));
        String status = attributes.getString(Tag.PerformedProcedureStepStatus);
        if (!PerformedStep.Status.IN_PROGRESS.dicom().equals(status))
            return answer(Status.INVALID_ATTRIBUTE_VALUE.withComment("Performed Procedure Step Status must be "
                    + "IN PROGRESS at creation, not " + status));
        Sequence scheduled = attributes.getSequence(Tag.ScheduledStepAttributesSequence);
        if (scheduled == null)
            return answer(Status.MISSING_ATTRIBUTE.withComment("Scheduled Step Attributes Sequence is required"));
        String given = rq.sopInstanceUid();
        String uid = given == null || given.isBlank() ? UID.createUID() : given;
        Context context = vertx.getOrCreateContext();
        return itemsOf(scheduled, context)
                .compose(ids -> vertx.executeBlocking(() -> new PerformedStep(uid, PerformedStep.Status.IN_PROGRESS,
                        ids, HeaderCodec.encode(attributes)), false))
                .compose(step -> Future.fromCompletionStage(metadata.createPerformedStep(step), context))
                .map(change -> {
                    Status s = switch (change.outcome()) {
                        case CREATED -> Status.SUCCESS;
                        case EXISTS -> Status.DUPLICATE_SOP_INSTANCE.withComment("performed step " + uid + " exists");
                        default -> Status.PROCESSING_FAILURE.withComment(change.outcome().name());
                    };
                    LOG.log(Level.INFO, () -> rq + ": performed step " + uid + " " + change.outcome() + " for "
                            + (change.current() == null ? 0 : change.current().worklistItemIds().size())
                            + " worklist item(s)");
                    return DimseResponse.of(s).withAffectedSopInstanceUid(uid);
                })
                .recover(t -> failed(rq, t));
    }

    @Override
    public Future<DimseResponse> onNSet(DimseRequest rq, Attributes modifications) {
        if (!writable.getAsBoolean()) return answer(NOT_WRITABLE);
        String uid = rq.sopInstanceUid();
        Context context = vertx.getOrCreateContext();
        return Future.fromCompletionStage(metadata.performedStep(uid), context).compose(found -> {
            if (found.isEmpty()) return answer(Status.NO_SUCH_SOP_INSTANCE.withComment("no performed step " + uid));
            PerformedStep stored = found.get();
            if (stored.status() != PerformedStep.Status.IN_PROGRESS) return answer(noLongerUpdatable(stored));
            return vertx.executeBlocking(() -> {
                Attributes merged = HeaderCodec.decode(stored.attributes());
                merged.addAll(modifications);
                PerformedStep.Status next = PerformedStep.Status.ofDicom(
                        merged.getString(Tag.PerformedProcedureStepStatus));
                return next == null ? null : new PerformedStep(uid, next, List.of(), HeaderCodec.encode(merged));
            }, false).compose(step -> {
                if (step == null)
                    return answer(Status.INVALID_ATTRIBUTE_VALUE.withComment("Performed Procedure Step Status must "
                            + "be IN PROGRESS, COMPLETED or DISCONTINUED"));
                return Future.fromCompletionStage(metadata.updatePerformedStep(step), context).map(change -> {
                    LOG.log(Level.INFO, () -> rq + ": performed step " + uid + " " + change.outcome()
                            + (change.current() == null ? "" : ", now " + change.current().status()));
                    return switch (change.outcome()) {
                        case UPDATED -> DimseResponse.of(Status.SUCCESS);
                        case NOT_FOUND -> DimseResponse.of(Status.NO_SUCH_SOP_INSTANCE);
                        default -> DimseResponse.of(noLongerUpdatable(change.current()));
                    };
                });
            });
        }).recover(t -> failed(rq, t));
    }

    private static Status noLongerUpdatable(PerformedStep step) {
        return Status.PROCESSING_FAILURE.withComment("Performed Procedure Step Object may no longer be updated ("
                + step.status().dicom() + ")");
    }

    /** The worklist items the scheduled steps name: by SPS ID with the accession number and requested procedure. */
    private Future<List<String>> itemsOf(Sequence scheduled, Context context) {
        Future<Set<String>> ids = Future.succeededFuture(new LinkedHashSet<>());
        for (Attributes ref : scheduled) {
            String step = ref.getString(Tag.ScheduledProcedureStepID);
            if (step == null || step.isBlank()) continue;
            WorklistQuery.Builder q = new WorklistQuery.Builder().limit(100)
                    .match(WorklistKey.STEP_ID, new Match.Single(step.strip()));
            String accession = ref.getString(Tag.AccessionNumber);
            if (accession != null && !accession.isBlank())
                q.match(WorklistKey.ACCESSION_NUMBER, new Match.Single(accession.strip()));
            String procedure = ref.getString(Tag.RequestedProcedureID);
            if (procedure != null && !procedure.isBlank())
                q.match(WorklistKey.REQUESTED_PROCEDURE_ID, new Match.Single(procedure.strip()));
            WorklistQuery query = q.build();
            ids = ids.compose(set -> Future.fromCompletionStage(metadata.findWorklist(query), context).map(page -> {
                for (WorklistItem i : page.items()) set.add(i.itemId());
                return set;
            }));
        }
        return ids.map(ArrayList::new);
    }

    private static Future<DimseResponse> answer(Status status) {
        return Future.succeededFuture(DimseResponse.of(status));
    }

    private static Future<DimseResponse> failed(DimseRequest rq, Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        LOG.log(Level.WARNING, () -> rq + ": performed step failed: " + cause);
        if (cause instanceof StorageException) return answer(Status.OUT_OF_RESOURCES.withComment(cause.getMessage()));
        if (cause instanceof IllegalArgumentException)
            return answer(Status.PROCESSING_FAILURE.withComment(cause.getMessage()));
        return Future.failedFuture(cause);
    }
}
