package org.miroir.server.web;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.miroir.server.NodeContext;
import org.miroir.storage.metadata.Deletion;
import org.miroir.storage.metadata.MetadataStore;

import java.io.IOException;

/**
 * REST deletion of a study, series or instance ({@code DELETE} on its WADO-RS URL): the index rows go first (with
 * their journal entry), then the objects they pointed to; an object left by a crash in between is an orphan the
 * sweeper removes. 204 when done, 404 when nothing matched. No authorization yet (a later step adds it).
 */
final class Deletions {
    private static final System.Logger LOG = System.getLogger(Deletions.class.getName());
    private final NodeContext ctx;

    Deletions(NodeContext ctx) {
        this.ctx = ctx;
    }

    void mount(Router router) {
        router.delete(DicomWeb.STUDY).handler(this::delete);
        router.delete(DicomWeb.SERIES).handler(this::delete);
        router.delete(DicomWeb.INSTANCE).handler(this::delete);
    }

    private void delete(RoutingContext rc) {
        Future<Deletion> deletion;
        try {
            if (!ctx.dr().writesAllowed()) throw WebError.notWritable();
            MetadataStore md = ctx.storage().metadata();
            String study = DicomWeb.uid(rc.pathParam("study"), "Study Instance UID");
            String series = rc.pathParam("series");
            String instance = rc.pathParam("instance");
            if (series != null) DicomWeb.uid(series, "Series Instance UID");
            if (instance != null) DicomWeb.uid(instance, "SOP Instance UID");
            deletion = DicomWeb.onContext(rc, instance != null ? md.deleteInstance(study, series, instance)
                    : series != null ? md.deleteSeries(study, series) : md.deleteStudy(study));
        } catch (RuntimeException e) {
            Responses.fail(rc, e);
            return;
        }
        deletion.compose(d -> {
            if (d.removed().isEmpty()) throw WebError.notFound("nothing to delete");
            return rc.vertx().executeBlocking(() -> {
                for (String key : d.objectKeys()) {
                    try {
                        ctx.storage().objects().delete(key);
                    } catch (IOException | RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "object " + key + " of a deleted instance stays for the orphan sweeper", e);
                    }
                }
                return d.removed().size();
            }, false);
        }).onSuccess(n -> rc.response().setStatusCode(204).end()).onFailure(t -> Responses.fail(rc, t));
    }
}
