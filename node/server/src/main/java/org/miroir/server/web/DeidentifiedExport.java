package org.miroir.server.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.FileMetaInformation;
import org.miroir.server.NodeContext;
import org.miroir.server.deid.Deidentifier;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.object.ObjectStore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A study de-identified for teaching and research: {@code POST /admin/studies/{study}/deidentify} answers a ZIP of
 * Part 10 files, {@code <study>/<series>/<instance>.dcm} under the new UIDs, each through the Basic Application Level
 * Confidentiality Profile ({@link Deidentifier}), pixel data kept, and {@code deidentification.json} last (profile,
 * instances written, instances left out and why). Streamed: one instance in memory at a time. The stored study is
 * not changed. Instances with burned-in annotation are left out (the profile alone cannot clean pixels).
 */
final class DeidentifiedExport {
    static final String ROUTE = "/admin/studies/:study/deidentify";
    private final NodeContext ctx;

    DeidentifiedExport(NodeContext ctx) {
        this.ctx = ctx;
    }

    void mount(Router router) {
        router.post(ROUTE).handler(this::export);
    }

    private void export(RoutingContext rc) {
        Lookup.fromPath(rc, ctx.storage().metadata()).compose(instances -> {
            Deidentifier deid = new Deidentifier();
            rc.response().setChunked(true).putHeader("Content-Type", "application/zip").putHeader(
                    "Content-Disposition", "attachment; filename=\"" + deid.uid(instances.get(0).studyInstanceUid())
                            + ".zip\"");
            return Pump.copy(rc.vertx(), new Entries(instances, deid, ctx.storage().objects()), rc.response());
        }).compose(n -> {
            ctx.metrics().bytesSent.inc(n);
            return rc.response().end();
        }).onFailure(t -> Responses.fail(rc, t));
    }

    /** The ZIP's bytes, one instance per chunk, then the summary and the central directory. */
    private static final class Entries implements Pump.Source {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final ZipOutputStream zip = new ZipOutputStream(buffer);
        private final Iterator<InstanceRecord> next;
        private final Deidentifier deid;
        private final ObjectStore objects;
        private int written, burnedIn;
        private boolean finished;

        Entries(List<InstanceRecord> instances, Deidentifier deid, ObjectStore objects) {
            this.next = instances.iterator();
            this.deid = deid;
            this.objects = objects;
        }

        @Override
        public Buffer next() throws IOException {
            if (finished) return null;
            if (next.hasNext()) {
                add(next.next());
            } else {
                zip.putNextEntry(new ZipEntry("deidentification.json"));
                zip.write(new JsonObject().put("profile", Deidentifier.METHOD)
                        .put("instances", written).put("leftOut", new JsonObject().put("burnedInAnnotation", burnedIn))
                        .encodePrettily().getBytes(StandardCharsets.UTF_8));
                zip.finish();
                finished = true;
            }
            Buffer b = Buffer.buffer(buffer.toByteArray());
            buffer.reset();
            return b;
        }

        private void add(InstanceRecord r) throws IOException {
            Attributes ds;
            String ts;
            try (InputStream in = objects.get(r.objectKey()); DicomInputStream dis = new DicomInputStream(in)) {
                ds = dis.readDataset();
                ts = dis.getTransferSyntax();
            }
            if (Deidentifier.hasBurnedInAnnotation(ds)) {
                burnedIn++;
                return;
            }
            deid.apply(ds);
            String sop = ds.getString(Tag.SOPInstanceUID);
            zip.putNextEntry(new ZipEntry(ds.getString(Tag.StudyInstanceUID) + "/" + ds.getString(Tag.SeriesInstanceUID)
                    + "/" + sop + ".dcm"));
            // Written and flushed, never closed: closing would close the ZIP, not just its entry.
            new DicomOutputStream(zip, ts).writeDataset(FileMetaInformation.create(sop, ds.getString(Tag.SOPClassUID), ts),
                    ds);
            zip.closeEntry();
            written++;
        }
    }
}
