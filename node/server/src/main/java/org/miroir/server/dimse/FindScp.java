package org.miroir.server.dimse;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.net.DimseRequest;
import org.miroir.dicom.net.FindHandler;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.server.query.PreparedQuery;
import org.miroir.server.query.QueryOptions;
import org.miroir.server.query.QueryService;
import org.miroir.storage.StorageException;
import org.miroir.storage.query.QueryLevel;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * C-FIND SCP of the Patient Root and Study Root Query/Retrieve models (PS3.4 C.4.1), hierarchical queries at every
 * level. One pending response per match (0xFF01 when some optional keys given with a value could not be matched),
 * sent one at a time as the association writes them; a C-CANCEL stops the query. Status codes: 0xA900 for a missing
 * or invalid level and for hierarchical-key violations, 0xC000 for values that cannot be matched, 0xA700 when the
 * store is unavailable or more than {@code maxMatches} records match (after those responses were sent).
 */
public final class FindScp implements FindHandler {
    private static final System.Logger LOG = System.getLogger(FindScp.class.getName());

    private final Vertx vertx;
    private final QueryService queries;
    private final String aeTitle;
    private final int maxMatches;

    public FindScp(Vertx vertx, QueryService queries, String aeTitle, int maxMatches) {
        this.vertx = vertx;
        this.queries = queries;
        this.aeTitle = aeTitle;
        this.maxMatches = maxMatches;
    }

    @Override
    public Future<Status> find(DimseRequest rq, Attributes keys) {
        QueryRetrieveModel model = QueryRetrieveModel.of(rq.abstractSyntax());
        QueryLevel level;
        PreparedQuery query;
        try {
            level = model.level(keys);
            model.requireKeysAbove(keys, level);
            query = queries.prepare(level, keys, QueryOptions.of(queries.caseInsensitiveNamesByDefault(), maxMatches));
        } catch (QueryRetrieveModel.IdentifierException e) {
            LOG.log(Level.INFO, () -> rq + ": " + e.getMessage());
            return Future.succeededFuture(e.status);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.INFO, () -> rq + ": " + e.getMessage());
            return Future.succeededFuture(Status.UNABLE_TO_PROCESS.withComment(e.getMessage()));
        }
        Status pending = query.unsupportedKeys().isEmpty() ? Status.PENDING : Status.PENDING_WARNING;
        String levelName = QueryRetrieveModel.levelName(level);
        Context context = vertx.getOrCreateContext();
        // Set on the event loop, read on store threads.
        AtomicBoolean cancelled = new AtomicBoolean();
        rq.onCancel(v -> cancelled.set(true));
        CompletionStage<org.miroir.server.query.QueryResult> run = query.run(match -> {
            match.setString(Tag.QueryRetrieveLevel, VR.CS, levelName);
            match.setString(Tag.RetrieveAETitle, VR.AE, aeTitle);
            Promise<Void> sent = Promise.promise();
            context.runOnContext(x -> rq.sendPending(DimseResponse.of(pending).withDataset(match)).onComplete(sent));
            return sent.future().toCompletionStage();
        }, cancelled::get);
        return Future.fromCompletionStage(run, context).transform(ar -> {
            if (ar.succeeded()) {
                var result = ar.result();
                if (result.cancelled()) return Future.succeededFuture(Status.CANCEL);
                if (result.truncated())
                    return Future.succeededFuture(Status.OUT_OF_RESOURCES.withComment("more than " + maxMatches
                            + " matches: narrow the query"));
                return Future.succeededFuture(Status.SUCCESS);
            }
            Throwable t = ar.cause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : ar.cause();
            LOG.log(Level.WARNING, () -> rq + ": query failed: " + t);
            if (t instanceof IllegalArgumentException)
                return Future.succeededFuture(Status.UNABLE_TO_PROCESS.withComment(t.getMessage()));
            if (t instanceof StorageException)
                return Future.succeededFuture(Status.OUT_OF_RESOURCES.withComment(t.getMessage()));
            return Future.failedFuture(t);
        });
    }
}
