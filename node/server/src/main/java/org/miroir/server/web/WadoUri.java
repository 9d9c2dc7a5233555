package org.miroir.server.web;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.miroir.server.NodeContext;

/**
 * WADO-URI (PS3.18 9): {@code GET /wado?requestType=WADO&studyUID=&seriesUID=&objectUID=&contentType=application/dicom}
 * returns the stored Part 10 object as is. Rendered types (image/jpeg, the default) are not offered: 406;
 * a transferSyntax other than the stored one: 406 (no transcoding); a missing or malformed parameter: 400.
 */
final class WadoUri {
    private final NodeContext ctx;

    WadoUri(NodeContext ctx) {
        this.ctx = ctx;
    }

    void mount(Router router) {
        router.get("/wado").handler(this::retrieve);
    }

    private void retrieve(RoutingContext rc) {
        String study, series, object, ts;
        try {
            MultiMap p = rc.queryParams();
            if (!"WADO".equals(p.get("requestType"))) throw WebError.badRequest("requestType must be WADO");
            study = DicomWeb.uid(p.get("studyUID"), "studyUID");
            series = DicomWeb.uid(p.get("seriesUID"), "seriesUID");
            object = DicomWeb.uid(p.get("objectUID"), "objectUID");
            String contentType = p.get("contentType");
            boolean dicom = false;
            if (contentType != null) {
                for (String c : contentType.split(",")) {
                    try {
                        if (MediaType.parse(c.strip()).admits(MediaType.DICOM)) dicom = true;
                    } catch (IllegalArgumentException e) {
                        throw WebError.badRequest("malformed contentType: " + c);
                    }
                }
            }
            if (!dicom) throw WebError.notAcceptable("only contentType=application/dicom is served (no rendered images)");
            ts = p.get("transferSyntax");
            if (ts != null) DicomWeb.uid(ts, "transferSyntax");
        } catch (RuntimeException e) {
            Responses.fail(rc, e);
            return;
        }
        Lookup.instance(rc, ctx.storage().metadata(), study, series, object).compose(r -> {
            if (ts != null && !ts.equals(r.transferSyntaxUid()))
                throw WebError.notAcceptable("the object is stored in transfer syntax " + r.transferSyntaxUid()
                        + "; Miroir does not transcode");
            rc.response().putHeader("Content-Type", MediaType.DICOM).putHeader("Content-Length", Long.toString(r.size()));
            return Pump.copy(rc.vertx(), () -> ctx.storage().objects().get(r.objectKey()), rc.response());
        }).compose(n -> {
            ctx.metrics().bytesSent.inc(n);
            return rc.response().end();
        }).onFailure(t -> Responses.fail(rc, t));
    }
}
