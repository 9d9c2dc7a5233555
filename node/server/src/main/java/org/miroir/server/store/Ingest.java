package org.miroir.server.store;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.BulkDataPolicy;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.DicomStreamException;
import org.miroir.dicom.io.FileMetaInformation;
import org.miroir.dicom.io.ReadLimits;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.server.metrics.NodeMetrics;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.StoreOutcome;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.object.DigestMismatchException;
import org.miroir.storage.object.ObjectKeys;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.object.ObjectWriter;
import org.miroir.storage.object.StoredObject;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The core store path shared by C-STORE and STOW-RS (ARCHITECTURE §2): one pass over the incoming bytes streams the
 * object to the ObjectStore while the header (up to Pixel Data) is parsed for the index; the object is committed
 * (durable), then the metadata and its journal entry; only then is success returned. Any failure before that
 * discards the object and returns a failure status, so no metadata ever points to a missing object.
 * Blocking: run it on a worker thread.
 */
public final class Ingest {
    private static final System.Logger LOG = System.getLogger(Ingest.class.getName());
    /** Header values larger than this are not parsed into heap (they are bulk data: overlays, private blobs). */
    private static final long HEADER_VALUE_LIMIT = 64 * 1024;
    private static final ReadLimits HEADER_LIMITS = ReadLimits.DEFAULT.withMaxElements(100_000).withMaxDepth(32);

    private final MetadataStore metadata;
    private final ObjectStore objects;
    private final Supplier<DuplicatePolicy> duplicatePolicy;
    private final BooleanSupplier writable;
    private final NodeMetrics metrics;
    private final long metadataTimeoutMillis;

    /**
     * {@code duplicatePolicy} is asked at each store: an operator may change it while the node runs. {@code writable}
     * says whether this site accepts writes now (the active site of a mirrored pair, or an archive without a mirror).
     */
    public Ingest(MetadataStore metadata, ObjectStore objects, Supplier<DuplicatePolicy> duplicatePolicy,
            BooleanSupplier writable, NodeMetrics metrics, long metadataTimeoutMillis) {
        this.metadata = metadata;
        this.objects = objects;
        this.duplicatePolicy = duplicatePolicy;
        this.writable = writable;
        this.metrics = metrics;
        this.metadataTimeoutMillis = metadataTimeoutMillis;
    }

    /** How one store is done: the duplicate policy, the time it is recorded as stored, whether to answer the site gate. */
    private record Mode(DuplicatePolicy policy, Instant storedAt, boolean gated) {}

    /** The refusal of a write while this site does not accept writes (the mirror, or a fenced former active). */
    public static final Status NOT_WRITABLE = Status.OUT_OF_RESOURCES.withComment(
            "this site does not accept writes now (passive mirror or fenced): send to the active site");

    /** What happened to one received instance. {@code record} is null unless it was written or already stored. */
    public record Result(Status status, String sopClassUid, String sopInstanceUid, InstanceRecord record) {}

    /**
     * A C-STORE data set: raw bytes in {@code transferSyntaxUid}, no meta header. {@code sopClassUid} and
     * {@code sopInstanceUid} come from the command and must agree with the data set.
     */
    public Result storeDataset(InputStream dataset, String transferSyntaxUid, String sopClassUid,
            String sopInstanceUid, String sourceAET) {
        if (!writable.getAsBoolean()) return refused(sopClassUid, sopInstanceUid);
        String key = ObjectKeys.unique(sopInstanceUid);
        try (ObjectWriter writer = objects.create(key, -1)) {
            Attributes fmi = FileMetaInformation.create(sopInstanceUid, sopClassUid, transferSyntaxUid);
            if (sourceAET != null && !sourceAET.isBlank())
                fmi.setString(Tag.SourceApplicationEntityTitle, VR.AE, sourceAET);
            DicomOutputStream meta = new DicomOutputStream(writer, transferSyntaxUid);
            meta.writeFileMetaInformation(fmi);
            meta.flush();
            TeeInputStream tee = new TeeInputStream(dataset, writer);
            DicomInputStream in = new DicomInputStream(tee, transferSyntaxUid);
            Attributes header = parseHeader(in);
            return finish(writer, in, tee, header, transferSyntaxUid, sopClassUid, sopInstanceUid, clientMode());
        } catch (IOException | RuntimeException e) {
            return failure(e, sopClassUid, sopInstanceUid);
        }
    }

    private Mode clientMode() {
        return new Mode(duplicatePolicy.get(), Instant.now(), true);
    }

    private Result refused(String cuid, String iuid) {
        metrics.instancesStored.labels("refused").inc();
        return new Result(NOT_WRITABLE, cuid, iuid, null);
    }

    /** A STOW-RS part: a whole Part 10 file (preamble, meta header, data set), stored as received. */
    public Result storePart10(InputStream part10) {
        if (!writable.getAsBoolean()) return refused(null, null);
        return storePart10(part10, ObjectKeys.unique(null), -1, clientMode(), null);
    }

    /** What a replicated object became on this (mirror) site. */
    public enum ReplicaOutcome { STORED, ALREADY_PRESENT }

    /**
     * An object shipped by the active site: stored under the same key, indexed exactly as the active site indexed it
     * ({@code storedAt} kept; a newer copy of the instance replaces an older one), after checking that it is whole:
     * its size and SHA-256 must be those announced, or nothing is kept. Idempotent: an object already indexed under
     * {@code key} is not written again, unless {@code repair} (verification found this site's copy damaged or
     * missing: it is written again). Throws IllegalArgumentException when the object is not what was announced or
     * not a usable instance, StorageException when this site's stores fail.
     */
    public ReplicaOutcome storeReplica(InputStream part10, String key, long size, String sha256, Instant storedAt,
            boolean repair) throws IOException {
        if (!repair && await(metadata.referencedObjectKeys(java.util.List.of(key))).contains(key)) {
            part10.transferTo(java.io.OutputStream.nullOutputStream());
            return ReplicaOutcome.ALREADY_PRESENT;
        }
        Result r = storePart10(part10, key, size, new Mode(DuplicatePolicy.OVERWRITE, storedAt, false), sha256);
        if (r.status().isSuccess()) return ReplicaOutcome.STORED;
        if (r.status().code() == Status.OUT_OF_RESOURCES.code()) throw new StorageException(r.status().toString(), null);
        throw new IllegalArgumentException("replicated object " + key + " refused: " + r.status());
    }

    private Result storePart10(InputStream part10, String key, long expectedSize, Mode mode, String expectedSha256) {
        try (ObjectWriter writer = objects.create(key, expectedSize)) {
            TeeInputStream tee = new TeeInputStream(part10, writer);
            DicomInputStream in = new DicomInputStream(tee);
            Attributes fmi = in.readFileMetaInformation();
            if (fmi == null) throw new MalformedInstanceException("not a DICOM Part 10 file (no meta information)");
            Attributes header = parseHeader(in);
            return finish(writer, in, tee, header, in.getTransferSyntax(), fmi.getString(Tag.MediaStorageSOPClassUID),
                    fmi.getString(Tag.MediaStorageSOPInstanceUID), mode, expectedSize, expectedSha256);
        } catch (IOException | RuntimeException e) {
            return failure(e, null, null);
        }
    }

    private Attributes parseHeader(DicomInputStream in) throws IOException {
        long t0 = System.nanoTime();
        Attributes header = in.withLimits(HEADER_LIMITS).withBulkData(BulkDataPolicy.skip(HEADER_VALUE_LIMIT))
                .readDatasetUntil(Tag.PixelData);
        metrics.storeStage.labels("parse").observe((System.nanoTime() - t0) / 1e9);
        return header;
    }

    private Result finish(ObjectWriter writer, DicomInputStream in, TeeInputStream tee, Attributes header,
            String tsuid, String expectedClass, String expectedInstance, Mode mode) throws IOException {
        return finish(writer, in, tee, header, tsuid, expectedClass, expectedInstance, mode, -1, null);
    }

    private Result finish(ObjectWriter writer, DicomInputStream in, TeeInputStream tee, Attributes header,
            String tsuid, String expectedClass, String expectedInstance, Mode mode, long expectedSize,
            String expectedSha256) throws IOException {
        long t0 = System.nanoTime();
        // Walk the rest (pixel data skipped, not held) so a data set cut short anywhere is refused, not stored.
        in.readDataset();
        tee.drain();
        String cuid = header.getString(Tag.SOPClassUID);
        String iuid = header.getString(Tag.SOPInstanceUID);
        Status mismatch = check(header, cuid, iuid, expectedClass, expectedInstance);
        if (mismatch != null) {
            writer.abort();
            metrics.instancesStored.labels("rejected").inc();
            return new Result(mismatch, cuid, iuid, null);
        }
        StoredObject stored = writer.commit(expectedSha256);
        metrics.storeStage.labels("object_write").observe((System.nanoTime() - t0) / 1e9);
        metrics.bytesReceived.inc(stored.size());

        StoreRequest request = IndexRecords.of(header, tsuid, stored, mode.storedAt());
        long t1 = System.nanoTime();
        StoreOutcome outcome;
        try {
            outcome = metadata.store(request, mode.policy()).toCompletableFuture()
                    .get(metadataTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteQuietly(stored.key());
            throw new StorageException("interrupted while writing metadata", e);
        } catch (ExecutionException | CompletionException | TimeoutException e) {
            // The metadata may or may not have committed (a timeout); the object stays for the orphan sweeper, which
            // removes it only if no index row points to it.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw cause instanceof RuntimeException re ? re : new StorageException("metadata write failed", cause);
        }
        metrics.storeStage.labels("metadata_write").observe((System.nanoTime() - t1) / 1e9);
        if (mode.gated() && !writable.getAsBoolean()) {
            // The site lost its lease while this store ran: the instance is kept here (it is part of this site's
            // unreplicated tail, reported at failback) but not acknowledged, so the sender re-sends it to the site
            // that now accepts writes. Never are both sites seen accepting a write at the same moment.
            LOG.log(System.Logger.Level.WARNING, "instance {0} stored after this site stopped accepting writes: "
                    + "refused to the sender", iuid);
            return refused(cuid, iuid);
        }
        return switch (outcome.status()) {
            case STORED -> {
                metrics.instancesStored.labels("stored").inc();
                yield new Result(Status.SUCCESS, cuid, iuid, request.instance());
            }
            case REPLACED -> {
                // A repaired replica is rewritten under its own key: then there is no older object to remove.
                if (!outcome.previous().objectKey().equals(stored.key())) deleteQuietly(outcome.previous().objectKey());
                metrics.instancesStored.labels("overwritten").inc();
                yield new Result(Status.SUCCESS, cuid, iuid, request.instance());
            }
            case IGNORED -> {
                deleteQuietly(stored.key());
                metrics.instancesStored.labels("duplicate_ignored").inc();
                LOG.log(System.Logger.Level.WARNING, "duplicate SOP Instance UID {0} ignored: the stored copy is kept", iuid);
                yield new Result(Status.ELEMENTS_DISCARDED.withComment("duplicate SOP Instance UID; stored copy kept"),
                        cuid, iuid, outcome.previous());
            }
            case REJECTED -> {
                deleteQuietly(stored.key());
                metrics.instancesStored.labels("rejected").inc();
                yield new Result(Status.DUPLICATE_SOP_INSTANCE.withComment("SOP Instance UID already stored"),
                        cuid, iuid, null);
            }
        };
    }

    /** The data set must carry the UIDs the index needs and agree with what the command (or meta header) announced. */
    private static Status check(Attributes header, String cuid, String iuid, String expectedClass,
            String expectedInstance) {
        if (cuid == null || iuid == null || header.getString(Tag.StudyInstanceUID) == null
                || header.getString(Tag.SeriesInstanceUID) == null)
            return Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS.withComment(
                    "missing SOP Class, SOP Instance, Study Instance or Series Instance UID");
        if (expectedClass != null && !expectedClass.equals(cuid))
            return Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS.withComment(
                    "SOP Class UID " + cuid + " differs from " + expectedClass);
        if (expectedInstance != null && !expectedInstance.equals(iuid))
            return Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS.withComment(
                    "SOP Instance UID " + iuid + " differs from " + expectedInstance);
        return null;
    }

    private Result failure(Exception e, String cuid, String iuid) {
        Status status = isStorageFault(e)
                ? Status.OUT_OF_RESOURCES.withComment("storage unavailable: " + e.getMessage())
                : Status.CANNOT_UNDERSTAND.withComment(e.getMessage());
        metrics.instancesStored.labels("failed").inc();
        LOG.log(System.Logger.Level.WARNING, "store of " + iuid + " failed with " + status, e);
        return new Result(status, cuid, iuid, null);
    }

    /**
     * Storage faults answer "out of resources" (the sender may retry); anything wrong with the input, "cannot
     * understand". Parser exceptions may wrap a failed object write, hence the walk down the causes.
     */
    private static boolean isStorageFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageException || t instanceof TeeInputStream.SinkException) return true;
            if (t instanceof ReadStreamInputStream.PeerStreamException || t instanceof MalformedInstanceException
                    || t instanceof DicomStreamException || t instanceof IllegalArgumentException
                    || t instanceof DigestMismatchException) return false;
        }
        return e instanceof IOException;
    }

    private <T> T await(java.util.concurrent.CompletionStage<T> stage) throws IOException {
        try {
            return stage.toCompletableFuture().get(metadataTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new StorageException("metadata store: " + e.getMessage(), e.getCause() != null ? e.getCause() : e);
        }
    }

    private void deleteQuietly(String key) {
        try {
            objects.delete(key);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete object " + key + "; the orphan sweeper will", e);
        }
    }

    /** The received bytes are not a usable DICOM instance. */
    static final class MalformedInstanceException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedInstanceException(String message) {
            super(message);
        }
    }
}
