package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.io.BulkDataPolicy;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.TransferSyntax;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A DICOM file to send: {@link #open} reads its meta information and the start of its data set (on a worker
 * thread) for the SOP class, instance and transfer syntax and where the data set starts. When the presentation context has the file's transfer syntax
 * the data set streams from disk as is, in chunks; otherwise it is transcoded on a worker thread, bulk values
 * streamed from the file rather than read into heap. A file without meta information is read as a raw data set
 * (transfer syntax guessed by the reader).
 */
public final class Part10File implements DataSource {
    /** Values above this many bytes stay in the file while transcoding. */
    private static final long BULK_THRESHOLD = 64 * 1024;
    private static final int READ_BUFFER = 64 * 1024;

    private final Path path;
    private final String sopClassUid;
    private final String sopInstanceUid;
    private final String transferSyntax;
    private final long datasetOffset;

    private Part10File(Path path, String sopClassUid, String sopInstanceUid, String transferSyntax, long datasetOffset) {
        this.path = path;
        this.sopClassUid = sopClassUid;
        this.sopInstanceUid = sopInstanceUid;
        this.transferSyntax = transferSyntax;
        this.datasetOffset = datasetOffset;
    }

    public static Future<Part10File> open(Vertx vertx, Path path) {
        return vertx.executeBlocking(() -> read(path), false);
    }

    /** Blocking variant of {@link #open}. */
    public static Part10File read(Path path) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 8192);
             DicomInputStream dis = new DicomInputStream(in)) {
            Attributes fmi = dis.readFileMetaInformation();
            String ts = dis.getTransferSyntax();
            long offset = datasetOffset(path, fmi, dis);
            // The data set's own UIDs go into the command (the peer checks them against it); the meta
            // information's stand in only when the data set lacks them.
            Attributes head = dis.readDatasetUntil(Tag.SOPInstanceUID + 1);
            String cuid = head.getString(Tag.SOPClassUID);
            String iuid = head.getString(Tag.SOPInstanceUID);
            if (cuid == null && fmi != null) cuid = fmi.getString(Tag.MediaStorageSOPClassUID);
            if (iuid == null && fmi != null) iuid = fmi.getString(Tag.MediaStorageSOPInstanceUID);
            if (cuid == null || iuid == null) throw new IOException(path + ": no SOP Class UID or SOP Instance UID");
            return new Part10File(path, cuid, iuid, ts, offset);
        } catch (RuntimeException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    private static long datasetOffset(Path path, Attributes fmi, DicomInputStream dis) throws IOException {
        if (fmi == null) return 0;
        byte[] head = new byte[132];
        int base;
        try (InputStream in = Files.newInputStream(path)) {
            int n = in.readNBytes(head, 0, 132);
            base = n == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M' ? 132 : 0;
        }
        int groupLength = fmi.getInt(Tag.FileMetaInformationGroupLength, -1);
        if (groupLength >= 0) return base + 12L + groupLength;
        if (TransferSyntax.of(dis.getTransferSyntax()).deflated())
            throw new IOException(path + ": deflated file without (0002,0000): cannot locate its data set");
        return dis.getPosition();
    }

    public Path path() { return path; }

    public String sopClassUid() { return sopClassUid; }

    public String sopInstanceUid() { return sopInstanceUid; }

    @Override
    public String transferSyntax() { return transferSyntax; }

    public long datasetOffset() { return datasetOffset; }

    @Override
    public Future<Void> writeTo(WriteStream<Buffer> out, String tsuid, Vertx vertx) {
        if (tsuid.equals(transferSyntax)) {
            // One worker task reads the whole data set (bounded chunks, backpressure): a thread hop per file, not
            // one per 64 KiB read plus open and close as with an AsyncFile; the worker waits while the peer reads.
            return EventLoopOutputStream.writeOnWorker(vertx, out, os -> {
                try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
                    os.transferFrom(in.position(datasetOffset));
                }
            });
        }
        if (!DataSource.canConvert(transferSyntax, tsuid))
            return Future.failedFuture(new IOException("cannot convert " + transferSyntax + " to " + tsuid + ": " + path));
        return EventLoopOutputStream.writeOnWorker(vertx, out, os -> {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(path), READ_BUFFER);
                 DicomInputStream dis = new DicomInputStream(in)) {
                if (!TransferSyntax.of(transferSyntax).deflated())
                    dis.withBulkData(BulkDataPolicy.reference(path, BULK_THRESHOLD));
                Attributes ds = dis.readDataset();
                DicomOutputStream dos = new DicomOutputStream(os, tsuid);
                dos.writeDataset(ds);
                dos.finish();
            }
        });
    }

    @Override
    public String toString() { return "Part10File[" + path + ", " + transferSyntax + "]"; }
}
