package org.miroir.storage.metadata;

import java.time.Instant;
import org.miroir.storage.digest.Sha256;

/**
 * A stored SOP instance and where its object lives.
 *
 * @param instanceNumber    Instance Number (0020,0013), {@code null} when absent or not an integer
 * @param transferSyntaxUid the transfer syntax the object is stored in
 * @param objectKey         key of the whole Part 10 object in the ObjectStore
 * @param size              object size in bytes
 * @param sha256            object SHA-256, lowercase hex
 * @param storedAt          when it was stored (stores keep at least millisecond precision)
 */
public record InstanceRecord(
        String studyInstanceUid,
        String seriesInstanceUid,
        String sopInstanceUid,
        String sopClassUid,
        Integer instanceNumber,
        String transferSyntaxUid,
        String objectKey,
        long size,
        String sha256,
        Instant storedAt,
        EncodedAttributes attributes) implements MetadataRecord {
    public InstanceRecord {
        Text.require(studyInstanceUid, "Study Instance UID");
        Text.require(seriesInstanceUid, "Series Instance UID");
        Text.require(sopInstanceUid, "SOP Instance UID");
        Text.require(sopClassUid, "SOP Class UID");
        Text.require(transferSyntaxUid, "Transfer Syntax UID");
        Text.require(objectKey, "object key");
        if (size < 0) throw new IllegalArgumentException("size must not be negative");
        if (!Sha256.isHex(sha256)) throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits");
        if (storedAt == null) throw new IllegalArgumentException("storedAt is required");
    }

    public InstanceRecord withAttributes(EncodedAttributes a) {
        return new InstanceRecord(studyInstanceUid, seriesInstanceUid, sopInstanceUid, sopClassUid, instanceNumber,
                transferSyntaxUid, objectKey, size, sha256, storedAt, a);
    }
}
