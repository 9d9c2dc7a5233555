package org.miroir.server.audit;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.miroir.dicom.data.UID;
import org.miroir.server.auth.HttpAccess;
import org.miroir.server.store.Ingest;
import org.miroir.storage.metadata.MetadataStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Audits every DICOMweb and admin request once its response is sent: QIDO-RS a Query, WADO-RS and WADO-URI of
 * instances DICOM Instances Transferred (read), of metadata, frames, bulk data or renderings DICOM Instances
 * Accessed, STOW-RS DICOM Instances Transferred (create) per study stored, deletions DICOM Study Deleted, and every
 * admin request that changes something (not a GET) a Security Alert of the kind of configuration it touched.
 * Refused requests were audited by {@link HttpAccess}. Health and metrics are not audited.
 */
public final class HttpAudit implements io.vertx.core.Handler<RoutingContext> {
    /** Where STOW-RS leaves what it stored (a {@code List<Ingest.Result>}) for the audit. */
    public static final String STORED = HttpAudit.class.getName() + ".stored";
    private static final String ROOT = "/dicom-web";

    private final MetadataStore metadata;
    private final Audit audit;

    public HttpAudit(MetadataStore metadata, Audit audit) {
        this.metadata = metadata;
        this.audit = audit;
    }

    private static final String DELETED = HttpAudit.class.getName() + ".deleted";

    @Override
    public void handle(RoutingContext rc) {
        if (!audit.enabled()) {
            rc.next();
            return;
        }
        String path = rc.normalizedPath();
        if (!path.startsWith(ROOT + "/") && !path.equals("/wado") && !path.startsWith("/admin")) {
            rc.next();
            return;
        }
        rc.addEndHandler(ar -> audit(rc, path, rc.response().getStatusCode()));
        String[] seg = path.split("/");
        if (rc.request().method() == HttpMethod.DELETE && seg.length > 3 && seg[2].equals("studies")) {
            // The study's patient, read before the deletion removes it from the index.
            rc.request().pause();
            StudyLookup.describe(metadata, seg[3], Map.of()).whenComplete((s, t) -> rc.vertx().runOnContext(v -> {
                rc.put(DELETED, s);
                rc.request().resume();
                rc.next();
            }));
            return;
        }
        rc.next();
    }

    private void audit(RoutingContext rc, String path, int status) {
        HttpMethod method = rc.request().method();
        Actor user = HttpAccess.actor(rc);
        int outcome = status < 400 ? AuditMessage.SUCCESS : AuditMessage.MINOR_FAILURE;
        String failure = status < 400 ? null : "HTTP " + status;
        if (status == 401 || status == 403) return; // audited when refused
        if (path.startsWith("/admin")) {
            if (method == HttpMethod.GET) return;
            audit.record(AuditEvents.securityAlert(configurationKind(path), user, audit.node(),
                    method + " " + path, method + " " + path + ": HTTP " + status, outcome));
            return;
        }
        String[] seg = path.split("/");
        // seg: "", "dicom-web", "studies", study, "series", series, "instances", instance, rest...
        if (method == HttpMethod.POST) {
            stored(rc, user, outcome, failure);
        } else if (method == HttpMethod.DELETE) {
            StudyRef study = rc.get(DELETED);
            if (study == null) study = new StudyRef(seg.length > 3 ? seg[3] : path, null, null, null, Map.of());
            audit.record(AuditEvents.deleted(user, audit.node(), List.of(study), outcome, deletionDescription(seg, status)));
        } else if (isSearch(seg)) {
            audit.record(AuditEvents.query(user, audit.node(), UID.StudyRootQueryRetrieveInformationModelFind,
                    rc.request().uri().getBytes(StandardCharsets.UTF_8), null, outcome, failure));
        } else {
            String study = path.equals("/wado") ? rc.queryParams().get("studyUID") : seg.length > 3 ? seg[3] : null;
            if (study == null) return;
            boolean whole = path.equals("/wado") || seg.length == 4 || seg.length == 6 || seg.length == 8;
            StudyLookup.describe(metadata, study, Map.of()).thenAccept(s -> audit.record(whole
                    ? AuditEvents.transferred("R", audit.node(), false, user, null, List.of(s), outcome, failure)
                    : AuditEvents.accessed(user, audit.node(), List.of(s), outcome, failure)));
        }
    }

    /** QIDO-RS: a path ending in studies, series or instances. */
    private static boolean isSearch(String[] seg) {
        String last = seg[seg.length - 1];
        return seg.length % 2 == 1 && (last.equals("studies") || last.equals("series") || last.equals("instances"));
    }

    private void stored(RoutingContext rc, Actor user, int outcome, String failure) {
        List<Ingest.Result> results = rc.get(STORED);
        if (results == null) {
            audit.record(AuditEvents.transferred("C", user, true, audit.node(), null, List.of(), outcome, failure));
            return;
        }
        Map<String, Map<String, List<String>>> byStudy = new LinkedHashMap<>();
        for (Ingest.Result r : results) {
            if (r.record() == null) continue;
            byStudy.computeIfAbsent(r.record().studyInstanceUid(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.sopClassUid(), k -> new ArrayList<>()).add(r.sopInstanceUid());
        }
        int failed = (int) results.stream().filter(r -> r.record() == null).count();
        int out = failed == 0 ? outcome : AuditMessage.MINOR_FAILURE;
        String description = failed == 0 ? failure : failed + " of " + results.size() + " instances not stored";
        StudyLookup.describeAll(metadata, byStudy).thenAccept(studies -> audit.record(
                AuditEvents.transferred("C", user, true, audit.node(), null, studies, out, description)));
    }

    private static String deletionDescription(String[] seg, int status) {
        String what = seg.length > 7 ? "instance " + seg[7] : seg.length > 5 ? "series " + seg[5] : "study";
        return status < 400 ? null : what + " not deleted: HTTP " + status;
    }

    private static AuditMessage.Code configurationKind(String path) {
        if (path.startsWith("/admin/ae")) return AuditEvents.NETWORK_CONFIGURATION;
        if (path.startsWith("/admin/settings")) return AuditEvents.SECURITY_CONFIGURATION;
        return AuditEvents.SOFTWARE_CONFIGURATION;
    }
}
