package org.miroir.server.web;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.miroir.server.NodeContext;
import org.miroir.server.query.QueryService;

import java.util.concurrent.CompletionStage;

/**
 * DICOMweb on the node's HTTP router (PS3.18): STOW-RS, QIDO-RS, WADO-RS, WADO-URI and REST deletion under
 * {@value #ROOT} (WADO-URI at {@code /wado}), and a study's de-identified export ({@link DeidentifiedExport}). Handlers run on the event loop; everything that blocks (object
 * reads, ingest, parsing) runs on worker threads, and bodies stream both ways.
 */
public final class DicomWeb {
    public static final String ROOT = "/dicom-web";
    static final String STUDY = ROOT + "/studies/:study";
    static final String SERIES = STUDY + "/series/:series";
    static final String INSTANCE = SERIES + "/instances/:instance";

    private DicomWeb() {}

    public static void mount(Router router, NodeContext ctx) {
        QueryService queries = new QueryService(ctx.storage().metadata(), ctx.settings()::fuzzyPersonNameMatching);
        new StowRs(ctx).mount(router);
        new QidoRs(queries).mount(router);
        new WadoRs(ctx).mount(router);
        new WadoUri(ctx).mount(router);
        new Deletions(ctx).mount(router);
        new DeidentifiedExport(ctx).mount(router);
    }

    /** The base URL of this service as the client addressed it, for RetrieveURL and BulkDataURI values. */
    static String baseUrl(RoutingContext rc) {
        String host = rc.request().getHeader("Host");
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:\\[\\]_-]{1,255}"))
            host = rc.request().authority() == null ? "localhost" : rc.request().authority().toString();
        return rc.request().scheme() + "://" + host + ROOT;
    }

    static String studyUrl(String base, String study) {
        return base + "/studies/" + study;
    }

    static String instanceUrl(String base, String study, String series, String instance) {
        return base + "/studies/" + study + "/series/" + series + "/instances/" + instance;
    }

    /** A UID from a path or parameter: at most 64 digits and dots (PS3.5 9.1), else 400. */
    static String uid(String value, String what) {
        if (value == null || value.isEmpty() || value.length() > 64 || !value.matches("[0-9.]+"))
            throw WebError.badRequest(what + " is not a UID: " + Responses.sanitize(value));
        return value;
    }

    /** A storage stage as a Vert.x future completing on the caller's context. */
    static <T> Future<T> onContext(RoutingContext rc, CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, rc.vertx().getOrCreateContext());
    }
}
