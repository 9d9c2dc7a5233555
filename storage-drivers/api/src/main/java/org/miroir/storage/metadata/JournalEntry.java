package org.miroir.storage.metadata;

import java.time.Instant;

/**
 * One change of the index, written atomically with it, read in order by the replication shipper.
 *
 * @param partition         the journal partition (entries of one study always share a partition)
 * @param position          opaque, driver-defined; pass it back to {@code readJournal}/{@code trimJournal}
 * @param seriesInstanceUid {@code null} for {@link JournalOp#DELETE_STUDY}
 * @param sopInstanceUid    {@code null} for study and series deletes
 * @param objectKey         for {@link JournalOp#STORE} only, else {@code null}
 * @param size              for {@link JournalOp#STORE} only, else -1
 * @param sha256            for {@link JournalOp#STORE} only, else {@code null}
 */
public record JournalEntry(
        int partition,
        String position,
        Instant recordedAt,
        JournalOp op,
        String studyInstanceUid,
        String seriesInstanceUid,
        String sopInstanceUid,
        String objectKey,
        long size,
        String sha256) {
    public JournalEntry {
        Text.require(position, "position");
        Text.require(studyInstanceUid, "Study Instance UID");
        if (recordedAt == null || op == null) throw new IllegalArgumentException("recordedAt and op are required");
    }
}
