package org.miroir.server.dimse;

import io.prometheus.client.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.dicom.net.DataSource;
import org.miroir.dicom.net.Part10File;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.object.ObjectStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stored instance as the data set of a C-STORE sub-operation. In its stored transfer syntax (the usual case) the
 * data set streams from the ObjectStore as stored, chunk by chunk, skipping the meta information. When the peer
 * accepted only another uncompressed syntax, the object is first copied to a spool file and transcoded from there by
 * {@link Part10File} (bulk values stay in the file), so no whole object sits in heap either way.
 */
final class StoredObjectSource implements DataSource {
    /** The meta information is read from this many first bytes at most. */
    private static final int MAX_META = 64 * 1024;

    private final ObjectStore objects;
    private final InstanceRecord instance;
    private final Path spoolDir;
    private final Counter bytesSent;

    StoredObjectSource(ObjectStore objects, InstanceRecord instance, Path spoolDir, Counter bytesSent) {
        this.objects = objects;
        this.instance = instance;
        this.spoolDir = spoolDir;
        this.bytesSent = bytesSent;
    }

    @Override
    public String transferSyntax() {
        return instance.transferSyntaxUid();
    }

    @Override
    public Future<Void> writeTo(WriteStream<Buffer> out, String tsuid, Vertx vertx) {
        WriteStream<Buffer> counted = new CountingWriteStream(out, bytesSent);
        if (tsuid.equals(instance.transferSyntaxUid())) {
            return vertx.executeBlocking(this::openDataset, false).compose(in -> {
                InputStreamReadStream data = new InputStreamReadStream(vertx, in);
                return data.pipe().endOnFailure(false).to(counted).onFailure(t -> data.close());
            });
        }
        if (!DataSource.canConvert(instance.transferSyntaxUid(), tsuid))
            return Future.failedFuture(new IOException("cannot convert " + instance.transferSyntaxUid() + " to " + tsuid));
        return vertx.executeBlocking(this::spool, false).compose(file -> vertx.executeBlocking(() -> Part10File.read(file), false)
                .compose(part -> part.writeTo(counted, tsuid, vertx))
                .eventually(() -> vertx.executeBlocking(() -> Files.deleteIfExists(file), false)));
    }

    /** The object from the first byte after its meta information. */
    private InputStream openDataset() throws IOException {
        long offset = datasetOffset();
        return objects.get(instance.objectKey(), offset, instance.size() - offset);
    }

    private long datasetOffset() throws IOException {
        byte[] head;
        try (InputStream in = objects.get(instance.objectKey(), 0, MAX_META)) {
            head = in.readAllBytes();
        }
        int base = head.length >= 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M'
                ? 132 : 0;
        try (DicomInputStream dis = new DicomInputStream(new ByteArrayInputStream(head))) {
            Attributes fmi = dis.readFileMetaInformation();
            if (fmi == null) return 0; // stored without meta information: the whole object is the data set
            int groupLength = fmi.getInt(Tag.FileMetaInformationGroupLength, -1);
            if (groupLength >= 0) return base + 12L + groupLength;
            if (TransferSyntax.of(dis.getTransferSyntax()).deflated())
                throw new IOException(instance.objectKey() + ": deflated object without (0002,0000)");
            return dis.getPosition();
        } catch (RuntimeException e) {
            throw new IOException(instance.objectKey() + ": unreadable meta information: " + e.getMessage(), e);
        }
    }

    private Path spool() throws IOException {
        Files.createDirectories(spoolDir);
        Path file = Files.createTempFile(spoolDir, "retrieve-", ".dcm");
        try (InputStream in = objects.get(instance.objectKey())) {
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return file;
    }
}
