package org.miroir.server.web;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.BulkDataPolicy;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.io.ReadLimits;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.server.NodeContext;
import org.miroir.server.logging.AccessLog;
import org.miroir.server.store.Ingest;
import org.miroir.server.store.ReadStreamInputStream;
import org.miroir.server.web.json.DicomJsonWriter;
import org.miroir.server.web.multipart.MultipartException;
import org.miroir.server.web.multipart.MultipartReader;
import org.miroir.storage.metadata.Deletion;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.InstanceRecord;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * STOW-RS (PS3.18 10.5): {@code POST /dicom-web/studies[/{study}]} with a multipart/related body of
 * application/dicom parts. The body streams: the multipart parser runs on a worker thread over the request (at most
 * {@link #MAX_BUFFERED} bytes wait in between; beyond that the socket is paused) and hands each part to the core
 * store path ({@link Ingest#storePart10}), so a part of any size is never held in heap.
 *
 * <p>Answers: 200 all stored; 202 some stored, others failed or stored with a warning; 409 none stored; each with
 * the Store Instances Response (ReferencedSOPSequence, FailedSOPSequence with the DIMSE failure code of the core
 * store path as FailureReason). A request that is not multipart/related of application/dicom is 415 (also when one
 * part has another type); a body that is no well-formed multipart entity is 400. Either way, instances stored from
 * earlier parts of that request are removed again, so a refused request leaves nothing behind.
 */
final class StowRs {
    private static final System.Logger LOG = System.getLogger(StowRs.class.getName());
    static final long MAX_BUFFERED = 4L << 20;
    /** A client that sends nothing for this long loses its request (400) and frees its worker thread. */
    static final long STALL_TIMEOUT_MILLIS = 60_000;
    static final int MAX_PARTS = 10_000;
    static final int MAX_PART_HEADERS = 16 * 1024;
    /** How much of a part may be read to find its Study Instance UID before it is stored (then re-read). */
    private static final int STUDY_PEEK_LIMIT = 8 << 20;
    private static final ReadLimits PEEK_LIMITS = ReadLimits.DEFAULT.withMaxElements(100_000).withMaxDepth(32)
            .withMaxTotalBytes(STUDY_PEEK_LIMIT);
    private static final long ROLLBACK_TIMEOUT_MILLIS = 30_000;

    private final NodeContext ctx;

    StowRs(NodeContext ctx) {
        this.ctx = ctx;
    }

    void mount(Router router) {
        router.post(DicomWeb.ROOT + "/studies").handler(this::store);
        router.post(DicomWeb.STUDY).handler(this::store);
    }

    private void store(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        String boundary;
        String study;
        try {
            if (!ctx.dr().writesAllowed()) throw WebError.notWritable();
            study = rc.pathParam("study") == null ? null : DicomWeb.uid(rc.pathParam("study"), "Study Instance UID");
            boundary = boundary(req.getHeader("Content-Type"));
            if (MediaType.parseAccept(req.headers().getAll("Accept")).stream()
                    .noneMatch(m -> m.admits(MediaType.DICOM_JSON) || m.admits("application/json")))
                throw WebError.notAcceptable("the store response is application/dicom+json");
        } catch (RuntimeException e) {
            Responses.fail(rc, e);
            return;
        }
        String base = DicomWeb.baseUrl(rc);
        ReadStreamInputStream body = new ReadStreamInputStream(req, rc.vertx().getOrCreateContext(), MAX_BUFFERED,
                STALL_TIMEOUT_MILLIS);
        // Only now, with the headers found acceptable, invite a client that waits for it (curl does for large bodies).
        if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) rc.response().writeContinue();
        req.resume(); // in case routing paused it: the body flows to the worker from here, with backpressure
        rc.vertx().executeBlocking(() -> storeParts(body, boundary, study), false)
                .onSuccess(results -> respond(rc, base, study, results))
                .onFailure(t -> Responses.fail(rc, t));
    }

    /** The boundary of a multipart/related; type="application/dicom" Content-Type (415 or 400 otherwise). */
    private static String boundary(String contentType) {
        MediaType ct;
        try {
            ct = MediaType.parse(contentType);
        } catch (IllegalArgumentException e) {
            throw WebError.unsupportedMediaType("STOW-RS needs Content-Type multipart/related; type=\"application/dicom\": "
                    + e.getMessage());
        }
        if (!ct.is(MediaType.MULTIPART_RELATED))
            throw WebError.unsupportedMediaType("STOW-RS takes multipart/related; type=\"application/dicom\", not "
                    + ct.essence());
        String type = ct.parameter("type");
        if (type != null) {
            MediaType t;
            try {
                t = MediaType.parse(type);
            } catch (IllegalArgumentException e) {
                throw WebError.unsupportedMediaType("malformed type parameter: " + type);
            }
            if (!t.is(MediaType.DICOM))
                throw WebError.unsupportedMediaType("only application/dicom instances are accepted, not " + t.essence());
        }
        String boundary = ct.parameter("boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70)
            throw WebError.badRequest("multipart/related without a valid boundary parameter");
        return boundary;
    }

    private List<Ingest.Result> storeParts(InputStream body, String boundary, String study) {
        MultipartReader reader = new MultipartReader(body, boundary, MAX_PART_HEADERS);
        List<Ingest.Result> results = new ArrayList<>();
        try {
            for (MultipartReader.Part part; (part = reader.next()) != null; ) {
                if (results.size() >= MAX_PARTS) throw new WebError(413, "more than " + MAX_PARTS + " parts in one request");
                requireDicomPart(part, results.size() + 1);
                InputStream in = part.body();
                Ingest.Result mismatch = null;
                if (study != null) {
                    BufferedInputStream peekable = new BufferedInputStream(in, 64 * 1024);
                    mismatch = checkStudy(peekable, study);
                    in = peekable;
                }
                Ingest.Result r = mismatch != null ? mismatch : ctx.ingest().storePart10(in);
                if (reader.failure() != null) {
                    // The body broke inside this part: whatever Ingest said, it did not see a whole instance.
                    results.add(r);
                    throw reader.failure();
                }
                results.add(r);
            }
            if (results.isEmpty()) throw WebError.badRequest("the multipart body has no parts");
            return results;
        } catch (MultipartException e) {
            rollback(results);
            throw WebError.badRequest("malformed multipart body: " + e.getMessage());
        } catch (ReadStreamInputStream.PeerStreamException e) {
            rollback(results);
            throw WebError.badRequest("request body incomplete: " + e.getMessage());
        } catch (IOException e) {
            rollback(results);
            throw WebError.badRequest("request body unreadable: " + e.getMessage());
        } catch (RuntimeException e) {
            rollback(results);
            throw e;
        }
    }

    private static void requireDicomPart(MultipartReader.Part part, int number) {
        String ct = part.header("Content-Type");
        if (ct == null) return; // the type parameter of the request names it
        MediaType m;
        try {
            m = MediaType.parse(ct);
        } catch (IllegalArgumentException e) {
            throw WebError.unsupportedMediaType("part " + number + ": malformed Content-Type " + ct);
        }
        if (!m.is(MediaType.DICOM))
            throw WebError.unsupportedMediaType("part " + number + " is " + m.essence() + ": only application/dicom is accepted");
    }

    /**
     * Reads the part's header up to the Study Instance UID and rewinds: a part of another study fails (0xA900)
     * before anything is stored. Null when it matches or cannot be read here (the store path then judges it).
     */
    private static Ingest.Result checkStudy(BufferedInputStream in, String study) throws IOException {
        in.mark(STUDY_PEEK_LIMIT);
        Attributes h = null;
        try {
            h = new DicomInputStream(in).withLimits(PEEK_LIMITS).withBulkData(BulkDataPolicy.skip(64 * 1024))
                    .readDatasetUntil(Tag.StudyInstanceUID + 1);
        } catch (IOException | RuntimeException e) {
            // Not readable as DICOM: Ingest gives the precise failure.
        }
        try {
            in.reset();
        } catch (IOException e) {
            return new Ingest.Result(Status.CANNOT_UNDERSTAND.withComment("header too large to check its study"),
                    h == null ? null : h.getString(Tag.SOPClassUID), h == null ? null : h.getString(Tag.SOPInstanceUID), null);
        }
        if (h == null) return null;
        String actual = h.getString(Tag.StudyInstanceUID);
        if (actual == null || actual.equals(study)) return null; // a missing UID is Ingest's to report
        return new Ingest.Result(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS.withComment(
                "Study Instance UID differs from the request's"), h.getString(Tag.SOPClassUID),
                h.getString(Tag.SOPInstanceUID), null);
    }

    /**
     * Removes what this request stored before it was refused. Not under the overwrite policy: there a stored
     * instance may have replaced an earlier copy, and removing it would lose that one too.
     */
    private void rollback(List<Ingest.Result> results) {
        if (ctx.settings().duplicatePolicy() == DuplicatePolicy.OVERWRITE) return;
        for (Ingest.Result r : results) {
            InstanceRecord rec = r.record();
            if (!r.status().isSuccess() || rec == null) continue; // warnings (duplicates kept) are not ours
            try {
                Deletion d = ctx.storage().metadata().deleteInstance(rec.studyInstanceUid(), rec.seriesInstanceUid(),
                        rec.sopInstanceUid()).toCompletableFuture().get(ROLLBACK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                for (String key : d.objectKeys()) ctx.storage().objects().delete(key);
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                LOG.log(System.Logger.Level.ERROR, "could not remove instance " + rec.sopInstanceUid()
                        + " of a refused STOW-RS request", e);
            }
        }
    }

    private void respond(RoutingContext rc, String base, String study, List<Ingest.Result> results) {
        rc.put(org.miroir.server.audit.HttpAudit.STORED, results);
        Attributes response = new Attributes();
        Sequence referenced = null, failed = null;
        int stored = 0, warnings = 0, failures = 0;
        List<String> reasons = new ArrayList<>();
        String storedStudy = study;
        boolean oneStudy = true;
        String remote = String.valueOf(rc.request().remoteAddress());
        for (int i = 0; i < results.size(); i++) {
            Ingest.Result r = results.get(i);
            Status s = r.status();
            AccessLog.entry("stow").with("remote", remote).with("sopClassUid", r.sopClassUid())
                    .with("sopInstanceUid", r.sopInstanceUid())
                    .with("studyUid", r.record() == null ? null : r.record().studyInstanceUid())
                    .with("status", String.format("%04X", s.code()))
                    .with("outcome", s.category().name().toLowerCase(Locale.ROOT)).log();
            boolean ok = s.isSuccess() || s.category() == Status.Category.WARNING;
            if (ok && r.record() != null) {
                if (referenced == null) referenced = response.newSequence(Tag.ReferencedSOPSequence, results.size());
                InstanceRecord rec = r.record();
                Attributes item = referenced.addNewItem();
                item.setString(Tag.ReferencedSOPClassUID, VR.UI, rec.sopClassUid());
                item.setString(Tag.ReferencedSOPInstanceUID, VR.UI, rec.sopInstanceUid());
                item.setString(Tag.RetrieveURL, VR.UR, DicomWeb.instanceUrl(base, rec.studyInstanceUid(),
                        rec.seriesInstanceUid(), rec.sopInstanceUid()));
                if (!s.isSuccess()) {
                    item.setInt(Tag.WarningReason, VR.US, s.code());
                    warnings++;
                    reasons.add("part " + (i + 1) + ": warning " + String.format("%04X", s.code()) + comment(s));
                }
                stored++;
                if (storedStudy == null) storedStudy = rec.studyInstanceUid();
                else if (!storedStudy.equals(rec.studyInstanceUid())) oneStudy = false;
            } else {
                if (failed == null) failed = response.newSequence(Tag.FailedSOPSequence, results.size());
                Attributes item = failed.addNewItem();
                if (r.sopClassUid() != null) item.setString(Tag.ReferencedSOPClassUID, VR.UI, r.sopClassUid());
                if (r.sopInstanceUid() != null) item.setString(Tag.ReferencedSOPInstanceUID, VR.UI, r.sopInstanceUid());
                item.setInt(Tag.FailureReason, VR.US, ok ? Status.PROCESSING_FAILURE.code() : s.code());
                failures++;
                reasons.add("part " + (i + 1) + ": failure " + String.format("%04X", s.code()) + comment(s));
            }
        }
        if (stored > 0 && oneStudy && storedStudy != null)
            response.setString(Tag.RetrieveURL, VR.UR, DicomWeb.studyUrl(base, storedStudy));
        int status = stored == 0 ? 409 : failures + warnings == 0 ? 200 : 202;
        var resp = rc.response().setStatusCode(status).putHeader("Content-Type", MediaType.DICOM_JSON);
        for (int i = 0; i < Math.min(reasons.size(), 10); i++) resp.headers().add("Warning", Responses.warning(reasons.get(i)));
        resp.end(new DicomJsonWriter().write(response).encode());
    }

    private static String comment(Status s) {
        return s.errorComment() == null ? "" : " (" + s.errorComment() + ")";
    }
}
