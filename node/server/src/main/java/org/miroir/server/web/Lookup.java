package org.miroir.server.web;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;

import java.util.List;

/** The instances a WADO or deletion URL names (404 when none). */
final class Lookup {
    private Lookup() {}

    /** Every instance of the study, or of one series when {@code series} is not null. */
    static Future<List<InstanceRecord>> instances(RoutingContext rc, MetadataStore md, String study, String series) {
        return DicomWeb.onContext(rc, md.instancesOf(study, series)).map(list -> {
            if (list.isEmpty()) throw WebError.notFound(series == null ? "no such study" : "no such series");
            return list;
        });
    }

    static Future<InstanceRecord> instance(RoutingContext rc, MetadataStore md, String study, String series,
            String instance) {
        Query q = Query.builder()
                .match(QueryKey.STUDY_INSTANCE_UID, new Match.Single(study))
                .match(QueryKey.SERIES_INSTANCE_UID, new Match.Single(series))
                .match(QueryKey.SOP_INSTANCE_UID, new Match.Single(instance))
                .limit(1).build();
        return DicomWeb.onContext(rc, md.findInstances(q)).map(page -> {
            if (page.items().isEmpty()) throw WebError.notFound("no such instance");
            return page.items().get(0);
        });
    }

    /** The instances named by the request's study, series and instance path parameters (those present). */
    static Future<List<InstanceRecord>> fromPath(RoutingContext rc, MetadataStore md) {
        String study, series, instance;
        try {
            study = DicomWeb.uid(rc.pathParam("study"), "Study Instance UID");
            series = rc.pathParam("series") == null ? null : DicomWeb.uid(rc.pathParam("series"), "Series Instance UID");
            instance = rc.pathParam("instance") == null ? null : DicomWeb.uid(rc.pathParam("instance"), "SOP Instance UID");
        } catch (WebError e) {
            return Future.failedFuture(e);
        }
        if (instance != null) return instance(rc, md, study, series, instance).map(List::of);
        return instances(rc, md, study, series);
    }
}
