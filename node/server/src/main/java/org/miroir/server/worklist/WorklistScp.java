package org.miroir.server.worklist;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.net.DimseRequest;
import org.miroir.dicom.net.FindHandler;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.query.Page;
import org.miroir.storage.worklist.WorklistItem;
import org.miroir.storage.worklist.WorklistQuery;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionException;

/**
 * Modality Worklist Information Model FIND SCP (PS3.4 K, 1.2.840.10008.5.1.4.31): one pending response per worklist
 * item that matches (0xFF01 when some keys given with a value could not be matched), sent one at a time as the
 * association writes them; a C-CANCEL stops it. 0xC000 for values that cannot be matched, 0xA700 when the store is
 * unavailable or more than {@code maxMatches} items match (after those were sent).
 */
public final class WorklistScp implements FindHandler {
    private static final System.Logger LOG = System.getLogger(WorklistScp.class.getName());
    private static final int PAGE = 200;

    private final Vertx vertx;
    private final MetadataStore metadata;
    private final boolean caseInsensitiveNames;
    private final int maxMatches;

    public WorklistScp(Vertx vertx, MetadataStore metadata, boolean caseInsensitiveNames, int maxMatches) {
        this.vertx = vertx;
        this.metadata = metadata;
        this.caseInsensitiveNames = caseInsensitiveNames;
        this.maxMatches = maxMatches;
    }

    @Override
    public Future<Status> find(DimseRequest rq, Attributes keys) {
        WorklistIdentifier id;
        try {
            id = WorklistIdentifier.parse(keys, caseInsensitiveNames, PAGE);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.INFO, () -> rq + ": " + e.getMessage());
            return Future.succeededFuture(Status.UNABLE_TO_PROCESS.withComment(e.getMessage()));
        }
        if (id.none) return Future.succeededFuture(Status.SUCCESS);
        Status pending = id.unsupported.isEmpty() ? Status.PENDING : Status.PENDING_WARNING;
        Context context = vertx.getOrCreateContext();
        return page(rq, id, id.query, pending, context, 0).recover(t -> {
            Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            LOG.log(Level.WARNING, () -> rq + ": worklist query failed: " + cause);
            if (cause instanceof IllegalArgumentException)
                return Future.succeededFuture(Status.UNABLE_TO_PROCESS.withComment(cause.getMessage()));
            if (cause instanceof StorageException)
                return Future.succeededFuture(Status.OUT_OF_RESOURCES.withComment(cause.getMessage()));
            return Future.failedFuture(cause);
        });
    }

    /** Sends the matches of one page, then goes on with the next. */
    private Future<Status> page(DimseRequest rq, WorklistIdentifier id, WorklistQuery q, Status pending,
            Context context, int sent) {
        return Future.fromCompletionStage(metadata.findWorklist(q), context).compose(page -> send(rq, id, page, 0,
                pending, sent).compose(n -> {
                    if (rq.isCancelled()) return Future.succeededFuture(Status.CANCEL);
                    if (n < 0) return Future.succeededFuture(Status.OUT_OF_RESOURCES.withComment("more than "
                            + maxMatches + " matches: narrow the query"));
                    return page.hasMore() ? page(rq, id, q.nextPage(page.nextPageToken()), pending, context, n)
                            : Future.succeededFuture(Status.SUCCESS);
                }));
    }

    /** Completes with the count sent so far, or -1 once {@code maxMatches} were sent and more match. */
    private Future<Integer> send(DimseRequest rq, WorklistIdentifier id, Page<WorklistItem> page, int i,
            Status pending, int sent) {
        if (i == page.items().size() || rq.isCancelled()) return Future.succeededFuture(sent);
        if (sent == maxMatches) return Future.succeededFuture(-1);
        Promise<Void> written = Promise.promise();
        rq.sendPending(DimseResponse.of(pending).withDataset(id.response(page.items().get(i)))).onComplete(written);
        return written.future().compose(v -> send(rq, id, page, i + 1, pending, sent + 1));
    }
}
