package org.miroir.server.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.json.JsonObject;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Fragments;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.server.NodeContext;
import org.miroir.server.logging.AccessLog;
import org.miroir.server.store.HeaderCodec;
import org.miroir.server.web.json.DicomJsonWriter;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;

/**
 * WADO-RS (PS3.18 10.4): instances of a study, series or instance as multipart/related application/dicom parts
 * streamed from the object store as stored (no transcoding); their metadata as application/dicom+json with
 * BulkDataURIs into the bulkdata resource, with the patient attributes of the index; frames; bulk data. 404 for unknown UIDs, 406 when the Accept header
 * admits nothing the stored data can be sent as.
 */
final class WadoRs {
    private final NodeContext ctx;
    private final Vertx vertx;
    private final ObjectStore objects;

    WadoRs(NodeContext ctx) {
        this.ctx = ctx;
        this.vertx = ctx.vertx();
        this.objects = ctx.storage().objects();
    }

    void mount(Router router) {
        for (String level : List.of(DicomWeb.STUDY, DicomWeb.SERIES, DicomWeb.INSTANCE)) {
            router.get(level).handler(this::retrieve);
            router.get(level + "/metadata").handler(this::metadata);
        }
        router.get(DicomWeb.INSTANCE + "/frames/:frames").handler(this::frames);
        router.get(DicomWeb.INSTANCE + "/bulkdata/*").handler(this::bulkData);
    }

    // ------------------------------------------------------------------ instances

    private void retrieve(RoutingContext rc) {
        String ts;
        try {
            ts = acceptMultipart(rc, MediaType.DICOM);
        } catch (RuntimeException e) {
            Responses.fail(rc, e);
            return;
        }
        Lookup.fromPath(rc, ctx.storage().metadata()).compose(records -> {
            for (InstanceRecord r : records) {
                if (!ts.equals("*") && !ts.equals(r.transferSyntaxUid()))
                    throw WebError.notAcceptable("an instance is stored in transfer syntax " + r.transferSyntaxUid()
                            + "; Miroir does not transcode (ask for transfer-syntax=* or leave it out)");
            }
            MultipartResponse mp = new MultipartResponse(rc.response(), MediaType.DICOM);
            return sendInstances(mp, records, 0, String.valueOf(rc.request().remoteAddress())).compose(v -> mp.end());
        }).onFailure(t -> Responses.fail(rc, t));
    }

    /** Sends the instances from {@code i} on, each with a line in the access log. */
    private Future<Void> sendInstances(MultipartResponse mp, List<InstanceRecord> records, int i, String remote) {
        if (i == records.size()) return Future.succeededFuture();
        InstanceRecord r = records.get(i);
        return mp.startPart(MediaType.DICOM + "; transfer-syntax=" + r.transferSyntaxUid(), r.size(), null)
                .compose(v -> Pump.copy(vertx, () -> objects.get(r.objectKey()), mp.response()))
                .compose(n -> {
                    ctx.metrics().bytesSent.inc(n);
                    AccessLog.entry("wado").with("remote", remote).with("studyUid", r.studyInstanceUid())
                            .with("seriesUid", r.seriesInstanceUid()).with("sopInstanceUid", r.sopInstanceUid())
                            .with("bytes", n).log();
                    return sendInstances(mp, records, i + 1, remote);
                });
    }

    // ------------------------------------------------------------------ metadata

    private void metadata(RoutingContext rc) {
        try {
            if (MediaType.parseAccept(rc.request().headers().getAll("Accept")).stream()
                    .noneMatch(m -> m.admits(MediaType.DICOM_JSON) || m.admits("application/json")))
                throw WebError.notAcceptable("metadata is served as application/dicom+json only");
        } catch (RuntimeException e) {
            Responses.fail(rc, e);
            return;
        }
        String base = DicomWeb.baseUrl(rc);
        Lookup.fromPath(rc, ctx.storage().metadata()).compose(records -> patientOf(rc, records.get(0))
                .compose(patient -> {
            HttpServerResponse resp = rc.response().setChunked(true).putHeader("Content-Type", MediaType.DICOM_JSON);
            int[] next = {0};
            Pump.Source source = () -> {
                int i = next[0]++;
                if (i > records.size()) return null;
                if (i == records.size()) return Buffer.buffer("]");
                InstanceRecord r = records.get(i);
                InstanceLayout layout = InstanceLayout.read(objects, r);
                String prefix = DicomWeb.instanceUrl(base, r.studyInstanceUid(), r.seriesInstanceUid(),
                        r.sopInstanceUid()) + "/bulkdata/";
                DicomJsonWriter writer = new DicomJsonWriter(InstanceLayout.BULK_THRESHOLD, path -> prefix + path);
                String json = withPatient(writer.write(layout.attrs), patient, writer).encode();
                return Buffer.buffer((i == 0 ? "[" : ",") + json, StandardCharsets.UTF_8.name());
            };
            return Pump.copy(vertx, source, resp).compose(n -> resp.end());
        })).onFailure(t -> Responses.fail(rc, t));
    }

    /** The study's patient as the index has it (the registry may have updated it), or null when it has none. */
    private Future<Attributes> patientOf(RoutingContext rc, InstanceRecord any) {
        Query q = Query.builder().match(QueryKey.STUDY_INSTANCE_UID, new Match.Single(any.studyInstanceUid()))
                .includeAttributes(true).limit(1).build();
        return DicomWeb.onContext(rc, ctx.storage().metadata().findStudies(q)).map(page -> page.items().isEmpty()
                || page.items().get(0).patient().attributes() == null ? null
                : HeaderCodec.decode(page.items().get(0).patient().attributes()));
    }

    /**
     * An instance's metadata with the patient attributes of the index over those of its header (ADR 0007: objects
     * stay as stored, what is served about them follows the patient registry). Merged as JSON, so the two data sets'
     * character sets need not agree; the result is in tag order again.
     */
    private static JsonObject withPatient(JsonObject instance, Attributes patient, DicomJsonWriter writer) {
        if (patient == null) return instance;
        TreeMap<String, Object> merged = new TreeMap<>(instance.getMap());
        writer.write(patient).getMap().forEach((tag, value) -> {
            if (!tag.equals(DicomJsonWriter.hex(Tag.SpecificCharacterSet))) merged.put(tag, value);
        });
        return new JsonObject(new LinkedHashMap<>(merged));
    }

    // ------------------------------------------------------------------ frames and bulk data

    private void frames(RoutingContext rc) {
        int[] numbers;
        try {
            numbers = Frames.parseList(rc.pathParam("frames"));
        } catch (RuntimeException e) {
            Responses.fail(rc, e);
            return;
        }
        Lookup.fromPath(rc, ctx.storage().metadata())
                .compose(records -> vertx.executeBlocking(() -> Frames.of(InstanceLayout.read(objects, records.get(0)), objects), false))
                .compose(frames -> sendFrames(rc, frames, numbers))
                .onFailure(t -> Responses.fail(rc, t));
    }

    private Future<Void> sendFrames(RoutingContext rc, Frames frames, int[] numbers) {
        String ts = acceptMultipart(rc, frames.mediaType);
        if (!ts.equals("*") && !ts.equals(frames.transferSyntax))
            throw WebError.notAcceptable("frames are stored in transfer syntax " + frames.transferSyntax
                    + "; Miroir does not transcode");
        for (int n : numbers) frames.frame(n); // 404 before the answer starts
        MultipartResponse mp = new MultipartResponse(rc.response(), frames.mediaType);
        return sendFrame(mp, frames, numbers, 0).compose(v -> mp.end());
    }

    private Future<Void> sendFrame(MultipartResponse mp, Frames frames, int[] numbers, int i) {
        if (i == numbers.length) return Future.succeededFuture();
        Frames.Frame f = frames.frame(numbers[i]);
        return mp.startPart(frames.partContentType(), f.length(), null)
                .compose(v -> sendPieces(mp, f.pieces(), 0))
                .compose(v -> sendFrame(mp, frames, numbers, i + 1));
    }

    private Future<Void> sendPieces(MultipartResponse mp, List<Object> pieces, int i) {
        if (i == pieces.size()) return Future.succeededFuture();
        Object piece = pieces.get(i);
        return Pump.copy(vertx, () -> Frames.open(piece, objects), mp.response()).compose(n -> {
            ctx.metrics().bytesSent.inc(n);
            return sendPieces(mp, pieces, i + 1);
        });
    }

    private void bulkData(RoutingContext rc) {
        String path = rc.normalizedPath();
        String tagPath = path.substring(path.indexOf("/bulkdata/") + "/bulkdata/".length());
        Lookup.fromPath(rc, ctx.storage().metadata())
                .compose(records -> vertx.executeBlocking(() -> InstanceLayout.read(objects, records.get(0)), false))
                .compose(layout -> {
                    Object value = layout.valueAt(tagPath);
                    if (value == null || value instanceof Sequence) throw WebError.notFound("no bulk data at " + tagPath);
                    if (value instanceof Fragments) {
                        if (!tagPath.equals(DicomJsonWriter.hex(Tag.PixelData)))
                            throw WebError.notFound("no bulk data at " + tagPath);
                        return vertx.executeBlocking(() -> Frames.of(layout, objects), false).compose(frames -> {
                            int[] all = new int[frames.count()];
                            for (int k = 0; k < all.length; k++) all[k] = k + 1;
                            return sendFrames(rc, frames, all);
                        });
                    }
                    String ts = acceptMultipart(rc, MediaType.OCTET_STREAM);
                    if (!ts.equals("*") && !ts.equals(org.miroir.dicom.io.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid()))
                        throw WebError.notAcceptable("bulk data is sent as explicit VR little endian bytes");
                    MultipartResponse mp = new MultipartResponse(rc.response(), MediaType.OCTET_STREAM);
                    return mp.startPart(MediaType.OCTET_STREAM, Frames.length(value), null)
                            .compose(v -> sendPieces(mp, List.of(value), 0))
                            .compose(v -> mp.end());
                })
                .onFailure(t -> Responses.fail(rc, t));
    }

    /**
     * The transfer syntax the client accepts for multipart/related parts of {@code partType}: "*" when any (also
     * when it names none: Miroir sends what it stores), else the one named. 406 when no Accept entry admits such a
     * response; 400 when the header is malformed.
     */
    static String acceptMultipart(RoutingContext rc, String partType) {
        List<MediaType> accept = MediaType.parseAccept(rc.request().headers().getAll("Accept"));
        for (MediaType m : accept) {
            if (!m.admits(MediaType.MULTIPART_RELATED)) continue;
            String type = m.parameter("type");
            boolean ok;
            try {
                ok = type == null || MediaType.parse(type).admits(partType);
            } catch (IllegalArgumentException e) {
                ok = false;
            }
            if (ok) {
                String ts = m.parameter("transfer-syntax");
                return ts == null ? "*" : ts;
            }
        }
        throw WebError.notAcceptable("this resource is sent as multipart/related; type=\"" + partType + "\"");
    }
}
