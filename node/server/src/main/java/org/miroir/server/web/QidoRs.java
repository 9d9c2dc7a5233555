package org.miroir.server.web;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.ElementDictionary;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.server.auth.HttpAccess;
import org.miroir.server.query.QueryOptions;
import org.miroir.server.query.QueryResult;
import org.miroir.server.query.QueryService;
import org.miroir.server.web.json.DicomJsonWriter;
import org.miroir.storage.query.QueryLevel;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * QIDO-RS (PS3.18 10.6): searches for studies, series and instances at every resource of Table 10.6.1-2, answered
 * as application/dicom+json. Matching keys by keyword or tag (sequence keys as dotted paths), includefield
 * (repeatable, comma lists, "all"), limit, offset and fuzzymatching become one identifier for the query model
 * shared with C-FIND ({@link QueryService}). No match is 200 with an empty array (PS3.18 as amended by CP-2473,
 * which replaced the earlier 204). Malformed parameters are 400 with the reason.
 */
final class QidoRs {
    /** The limit when the request gives none, and the most one request may ask for (a larger one is reduced). */
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;
    /** Responses up to this size are sent whole, with a Warning when the limit cut them; larger ones stream. */
    private static final int BUFFERED_RESPONSE = 4 << 20;
    private static final int MAX_PARAMETERS = 200;

    private static final int[] STUDY_DEFAULTS = {Tag.StudyDate, Tag.StudyTime, Tag.AccessionNumber,
            Tag.InstanceAvailability, Tag.ModalitiesInStudy, Tag.ReferringPhysicianName, Tag.TimezoneOffsetFromUTC,
            Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate, Tag.PatientSex, Tag.StudyInstanceUID, Tag.StudyID,
            Tag.NumberOfStudyRelatedSeries, Tag.NumberOfStudyRelatedInstances};
    private static final int[] SERIES_DEFAULTS = {Tag.Modality, Tag.TimezoneOffsetFromUTC, Tag.SeriesDescription,
            Tag.SeriesInstanceUID, Tag.SeriesNumber, Tag.NumberOfSeriesRelatedInstances,
            Tag.PerformedProcedureStepStartDate, Tag.PerformedProcedureStepStartTime};
    private static final int[] INSTANCE_DEFAULTS = {Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.InstanceAvailability,
            Tag.TimezoneOffsetFromUTC, Tag.InstanceNumber, Tag.Rows, Tag.Columns, Tag.BitsAllocated, Tag.NumberOfFrames};

    private final QueryService queries;

    QidoRs(QueryService queries) {
        this.queries = queries;
    }

    void mount(Router router) {
        router.get(DicomWeb.ROOT + "/studies").handler(rc -> search(rc, QueryLevel.STUDY));
        router.get(DicomWeb.ROOT + "/series").handler(rc -> search(rc, QueryLevel.SERIES));
        router.get(DicomWeb.STUDY + "/series").handler(rc -> search(rc, QueryLevel.SERIES));
        router.get(DicomWeb.ROOT + "/instances").handler(rc -> search(rc, QueryLevel.INSTANCE));
        router.get(DicomWeb.STUDY + "/instances").handler(rc -> search(rc, QueryLevel.INSTANCE));
        router.get(DicomWeb.SERIES + "/instances").handler(rc -> search(rc, QueryLevel.INSTANCE));
    }

    /** What the parameters of one request say. */
    private record Search(Attributes identifier, QueryOptions options, int requestedLimit) {}

    private void search(RoutingContext rc, QueryLevel level) {
        Search s;
        try {
            if (MediaType.parseAccept(rc.request().headers().getAll("Accept")).stream()
                    .noneMatch(m -> m.admits(MediaType.DICOM_JSON) || m.admits("application/json")))
                throw WebError.notAcceptable("search results are served as application/dicom+json only");
            s = parse(rc, level);
        } catch (RuntimeException e) {
            Responses.fail(rc, e);
            return;
        }
        String base = DicomWeb.baseUrl(rc);
        Context context = rc.vertx().getOrCreateContext();
        JsonArrayBody body = new JsonArrayBody(rc.response());
        DicomJsonWriter writer = new DicomJsonWriter();
        CompletionStage<QueryResult> run;
        try {
            run = queries.find(level, s.identifier(), s.options(), match -> {
                CompletableFuture<Void> written = new CompletableFuture<>();
                context.runOnContext(v -> {
                    if (level == QueryLevel.STUDY && !HttpAccess.studyFilter(rc, match.getString(Tag.StudyInstanceUID),
                            match.getString(Tag.ReferringPhysicianName))) {
                        written.complete(null); // not among a referring physician's studies
                        return;
                    }
                    addRetrieveUrl(match, level, base);
                    body.add(writer.write(match).encode()).onComplete(ar -> {
                        if (ar.succeeded()) written.complete(null);
                        else written.completeExceptionally(new java.util.concurrent.CancellationException("client gone"));
                    });
                });
                return written;
            }, () -> rc.response().closed());
        } catch (RuntimeException e) {
            Responses.fail(rc, e);
            return;
        }
        DicomWeb.onContext(rc, run).onSuccess(result -> {
            String warning = null;
            if (result.truncated())
                warning = "the limit of " + s.options().limit() + " cut the results: ask again with offset="
                        + (s.options().offset() + result.matches());
            else if (s.requestedLimit() > MAX_LIMIT)
                warning = "limit reduced to " + MAX_LIMIT;
            body.end(warning);
        }).onFailure(t -> {
            if (body.started()) rc.request().connection().close();
            else Responses.fail(rc, t);
        });
    }

    private Search parse(RoutingContext rc, QueryLevel level) {
        MultiMap params = rc.queryParams(StandardCharsets.UTF_8);
        if (params.size() > MAX_PARAMETERS) throw WebError.badRequest("more than " + MAX_PARAMETERS + " query parameters");
        Attributes id = new Attributes();
        id.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192"); // query parameters are UTF-8 (RFC 3986)
        Set<Integer> include = new LinkedHashSet<>();
        boolean includeAll = false;
        int limit = DEFAULT_LIMIT, offset = 0, requested = DEFAULT_LIMIT;
        Boolean fuzzy = null;
        for (Map.Entry<String, String> p : params) {
            String name = p.getKey(), value = p.getValue();
            switch (name) {
                case "includefield" -> {
                    for (String f : value.split(",")) {
                        String field = f.strip();
                        if (field.isEmpty()) continue;
                        if (field.equals("all")) includeAll = true;
                        else include.add(attributePath(field)[0]);
                    }
                }
                case "limit" -> {
                    requested = integer(name, value);
                    if (requested < 1) throw WebError.badRequest("limit must be a positive integer: " + value);
                    limit = Math.min(requested, MAX_LIMIT);
                }
                case "offset" -> {
                    offset = integer(name, value);
                    if (offset < 0) throw WebError.badRequest("offset must not be negative: " + value);
                }
                case "fuzzymatching" -> {
                    if (!value.equals("true") && !value.equals("false"))
                        throw WebError.badRequest("fuzzymatching must be true or false: " + value);
                    fuzzy = value.equals("true");
                }
                default -> addKey(id, name, value);
            }
        }
        if (rc.pathParam("study") != null)
            id.setString(Tag.StudyInstanceUID, VR.UI, DicomWeb.uid(rc.pathParam("study"), "Study Instance UID"));
        if (rc.pathParam("series") != null)
            id.setString(Tag.SeriesInstanceUID, VR.UI, DicomWeb.uid(rc.pathParam("series"), "Series Instance UID"));
        defaults(level, rc, include);
        boolean ci = fuzzy != null ? fuzzy : queries.caseInsensitiveNamesByDefault();
        return new Search(id, new QueryOptions(ci, offset, limit, includeAll, include), requested);
    }

    /** PS3.18 Tables 10.6.3-3 to -5: the attributes every result carries; a resource's parents' too when unscoped. */
    private static void defaults(QueryLevel level, RoutingContext rc, Set<Integer> include) {
        boolean inStudy = rc.pathParam("study") != null, inSeries = rc.pathParam("series") != null;
        if (level == QueryLevel.STUDY || !inStudy) add(include, STUDY_DEFAULTS);
        if (level == QueryLevel.SERIES || level == QueryLevel.INSTANCE && !inSeries) add(include, SERIES_DEFAULTS);
        if (level == QueryLevel.INSTANCE) add(include, INSTANCE_DEFAULTS);
    }

    private static void add(Set<Integer> set, int[] tags) {
        for (int t : tags) set.add(t);
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw WebError.badRequest(name + " must be an integer: " + value);
        }
    }

    /** A matching key: keyword or tag, or a dotted path into sequences (PS3.18 8.3.4.1). */
    private static void addKey(Attributes id, String name, String value) {
        int[] path = attributePath(name);
        Attributes target = id;
        for (int i = 0; i < path.length - 1; i++) {
            if (ElementDictionary.vrOf(path[i]) != VR.SQ && !isPrivateSequenceCandidate(path[i]))
                throw WebError.badRequest(name + ": " + keyword(path[i]) + " is not a sequence");
            Sequence seq = target.getSequence(path[i]);
            if (seq == null) seq = target.newSequence(path[i], 1);
            target = seq.isEmpty() ? seq.addNewItem() : seq.get(0);
        }
        int tag = path[path.length - 1];
        if (target.contains(tag)) throw WebError.badRequest(name + " is given more than once");
        VR vr = ElementDictionary.vrOf(tag);
        if (vr == VR.SQ) {
            if (!value.isEmpty()) throw WebError.badRequest(name + " is a sequence: match its items' attributes with " + name + ".Keyword=value");
            target.newSequence(tag, 0);
            return;
        }
        if (value.isEmpty()) {
            target.setValue(tag, vr, new byte[0]);
            return;
        }
        if (vr == VR.UI || vr == VR.CS) value = value.replace(',', '\\'); // PS3.18 8.3.4.1: lists are comma-separated
        switch (vr) {
            case US, SS, UL, SL -> {
                String[] parts = value.split("\\\\");
                int[] v = new int[parts.length];
                for (int i = 0; i < v.length; i++) v[i] = integer(name, parts[i]);
                target.setInt(tag, vr, v);
            }
            default -> {
                if (!vr.isText()) throw WebError.badRequest(name + " (" + vr + ") cannot be matched");
                target.setString(tag, vr, value);
            }
        }
    }

    private static boolean isPrivateSequenceCandidate(int tag) {
        return (tag >>> 16 & 1) == 1; // private elements have no dictionary VR: let the query model judge
    }

    /** Tags of a "keyword", "ggggeeee" or dotted path; 400 naming the part that is no attribute. */
    private static int[] attributePath(String name) {
        String[] steps = name.split("\\.", -1);
        if (steps.length > 8) throw WebError.badRequest("attribute path too deep: " + name);
        int[] tags = new int[steps.length];
        for (int i = 0; i < steps.length; i++) {
            String s = steps[i];
            int tag = -1;
            if (s.length() == 8 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                tag = (int) Long.parseLong(s, 16);
            } else if (!s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit)) {
                tag = ElementDictionary.tagForKeyword(s);
            }
            if (tag == -1 || s.isEmpty()) throw WebError.badRequest("unknown attribute or parameter: " + name);
            tags[i] = tag;
        }
        return tags;
    }

    private static String keyword(int tag) {
        String k = ElementDictionary.keywordOf(tag);
        return k != null ? k : DicomJsonWriter.hex(tag);
    }

    private static void addRetrieveUrl(Attributes match, QueryLevel level, String base) {
        String study = match.getString(Tag.StudyInstanceUID);
        if (study == null) return;
        String url = switch (level) {
            case STUDY, PATIENT -> DicomWeb.studyUrl(base, study);
            case SERIES -> DicomWeb.studyUrl(base, study) + "/series/" + match.getString(Tag.SeriesInstanceUID);
            case INSTANCE -> DicomWeb.instanceUrl(base, study, match.getString(Tag.SeriesInstanceUID),
                    match.getString(Tag.SOPInstanceUID));
        };
        match.setString(Tag.RetrieveURL, VR.UR, url);
    }

    /**
     * The JSON array of results: held until {@link #BUFFERED_RESPONSE} bytes (so a small answer goes out whole,
     * with Content-Length and any Warning), then streamed chunked with backpressure.
     */
    private static final class JsonArrayBody {
        private final HttpServerResponse response;
        private Buffer pending = Buffer.buffer();
        private boolean streaming;
        private int count;

        JsonArrayBody(HttpServerResponse response) {
            this.response = response;
        }

        boolean started() {
            return streaming;
        }

        io.vertx.core.Future<Void> add(String json) {
            if (response.closed()) return io.vertx.core.Future.failedFuture("client gone");
            Buffer chunk = Buffer.buffer((count++ == 0 ? "[" : ",") + json, "UTF-8");
            if (!streaming) {
                pending.appendBuffer(chunk);
                if (pending.length() < BUFFERED_RESPONSE) return io.vertx.core.Future.succeededFuture();
                streaming = true;
                response.setChunked(true).putHeader("Content-Type", MediaType.DICOM_JSON);
                chunk = pending;
                pending = null;
            }
            io.vertx.core.Future<Void> w = response.write(chunk);
            if (!response.writeQueueFull()) return io.vertx.core.Future.succeededFuture();
            io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
            response.drainHandler(v -> {
                response.drainHandler(null);
                drained.tryComplete();
            });
            w.onFailure(drained::tryFail);
            return drained.future();
        }

        void end(String warning) {
            if (streaming) {
                response.end("]");
                return;
            }
            if (count == 0) pending.appendString("[");
            pending.appendString("]");
            response.putHeader("Content-Type", MediaType.DICOM_JSON);
            if (warning != null) response.putHeader("Warning", Responses.warning(warning));
            response.end(pending);
        }
    }
}
