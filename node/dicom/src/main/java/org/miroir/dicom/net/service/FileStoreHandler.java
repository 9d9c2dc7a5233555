package org.miroir.dicom.net.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.BulkDataPolicy;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.FileMetaInformation;
import org.miroir.dicom.net.DimseRequest;
import org.miroir.dicom.net.StoreHandler;
import org.miroir.dicom.net.dimse.Status;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;

/**
 * A C-STORE SCP handler that streams each received data set to a Part 10 file ({@code <dir>/<SOP Instance UID>.dcm}
 * unless {@link #naming} says otherwise):
 * meta information, then the data set bytes exactly as received, through a temporary file that is renamed only
 * when the whole data set arrived (a failed or aborted transfer leaves nothing behind). With {@link #verify} the
 * file is parsed (bulk values skipped) before it is kept, so a data set cut mid-element gets 0xC000. A SOP Class
 * UID in the command that differs from the presentation context's abstract syntax gets 0xA900.
 */
public final class FileStoreHandler implements StoreHandler {
    private static final System.Logger LOG = System.getLogger(FileStoreHandler.class.getName());

    private final Vertx vertx;
    private final Path dir;
    private boolean verify;
    private Function<DimseRequest, String> naming = rq -> rq.sopInstanceUid() + ".dcm";

    public FileStoreHandler(Vertx vertx, Path dir) {
        this.vertx = vertx;
        this.dir = dir;
    }

    /** Parse each file before keeping it (costs one read of the file; bulk values are skipped). */
    public FileStoreHandler verify(boolean verify) {
        this.verify = verify;
        return this;
    }

    /** The file name for a request; by default {@code <SOP Instance UID>.dcm}. */
    public FileStoreHandler naming(Function<DimseRequest, String> naming) {
        this.naming = naming;
        return this;
    }

    @Override
    public Future<Status> store(DimseRequest rq, ReadStream<Buffer> data) {
        String cuid = rq.sopClassUid(), iuid = rq.sopInstanceUid();
        if (cuid == null || iuid == null || !iuid.matches("[0-9.]{1,64}"))
            return Future.succeededFuture(Status.CANNOT_UNDERSTAND.withComment("missing or invalid SOP Class/Instance UID"));
        if (!cuid.equals(rq.abstractSyntax()))
            return Future.succeededFuture(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS.withComment("SOP class differs from the presentation context"));
        data.pause(); // until the file is open
        Path target = dir.resolve(naming.apply(rq));
        Path part = dir.resolve(iuid + ".part-" + rq.association().id() + "-" + rq.messageId());
        Buffer meta;
        try {
            meta = fileMetaInformation(rq, cuid, iuid);
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        Promise<Status> result = Promise.promise();
        vertx.fileSystem().open(part.toString(), new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
                .onFailure(e -> {
                    LOG.log(Level.WARNING, () -> rq + ": cannot create " + part + ": " + e);
                    result.complete(Status.OUT_OF_RESOURCES.withComment(String.valueOf(e.getMessage())));
                })
                .onSuccess(file -> file.write(meta)
                        .compose(v -> data.pipe().endOnFailure(false).endOnSuccess(false).to(file))
                        .eventually(file::close)
                        .compose(v -> vertx.executeBlocking(() -> keep(part, target), false))
                        .onComplete(ar -> {
                            if (ar.succeeded()) {
                                result.complete(ar.result());
                            } else {
                                LOG.log(Level.INFO, () -> rq + ": not stored: " + ar.cause());
                                vertx.fileSystem().delete(part.toString()).onComplete(x -> result.complete(
                                        Status.OUT_OF_RESOURCES.withComment(String.valueOf(ar.cause().getMessage()))));
                            }
                        }));
        return result.future();
    }

    private static Buffer fileMetaInformation(DimseRequest rq, String cuid, String iuid) throws IOException {
        Attributes fmi = FileMetaInformation.create(iuid, cuid, rq.transferSyntax());
        String source = rq.association().remoteAETitle();
        if (source != null) fmi.setString(Tag.SourceApplicationEntityTitle, VR.AE, source);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        DicomOutputStream dos = new DicomOutputStream(bytes, rq.transferSyntax());
        dos.writeFileMetaInformation(fmi);
        dos.flush();
        return Buffer.buffer(bytes.toByteArray());
    }

    private Status keep(Path part, Path target) throws IOException {
        if (verify) {
            try (InputStream in = Files.newInputStream(part); DicomInputStream dis = new DicomInputStream(in)) {
                dis.withBulkData(BulkDataPolicy.skip(64 * 1024)).readDataset();
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(part);
                return Status.CANNOT_UNDERSTAND.withComment("unreadable data set: " + e.getMessage());
            }
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Status.SUCCESS;
    }
}
