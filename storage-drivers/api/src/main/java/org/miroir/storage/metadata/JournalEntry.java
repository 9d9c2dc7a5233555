package org.miroir.storage.metadata;

import java.time.Instant;

/**
 * One change of the index, written atomically with it, read in order by the replication shipper. Entries name what
 * changed, not how: the shipper reads the current state of what they name (an object, a patient, a worklist item)
 * and sends that, so applying an entry twice, or an entry whose change another one superseded, is harmless. (A
 * driver that cannot write an entry atomically with a conditional change may write it first; a change that then
 * loses its race leaves such a harmless entry behind.)
 *
 * @param partition         the journal partition (entries of one study always share a partition; entries about
 *                          patients, worklist items and performed steps are all in partition 0, in write order)
 * @param position          opaque, driver-defined; pass it back to {@code readJournal}/{@code trimJournal}
 * @param studyInstanceUid  for the ops {@link JournalOp#ofStudy() of a study}, else {@code null}
 * @param seriesInstanceUid {@code null} for {@link JournalOp#DELETE_STUDY} and the ops not of a study
 * @param sopInstanceUid    the instance for {@link JournalOp#STORE} and {@link JournalOp#DELETE_INSTANCE}, the
 *                          performed step for {@link JournalOp#PERFORMED_STEP_UPDATE}, else {@code null}
 * @param objectKey         for {@link JournalOp#STORE} only, else {@code null}
 * @param size              for {@link JournalOp#STORE} only, else -1
 * @param sha256            for {@link JournalOp#STORE} only, else {@code null}
 * @param patient           the patient updated, or the surviving one of a merge; else {@code null}
 * @param priorPatient      the patient merged away ({@link JournalOp#PATIENT_MERGE} only), else {@code null}
 * @param worklistItemId    for {@link JournalOp#WORKLIST_UPDATE} only, else {@code null}
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
        String sha256,
        PatientKey patient,
        PatientKey priorPatient,
        String worklistItemId) {
    public JournalEntry {
        Text.require(position, "position");
        if (recordedAt == null || op == null) throw new IllegalArgumentException("recordedAt and op are required");
        if (op.ofStudy()) Text.require(studyInstanceUid, "Study Instance UID");
        if ((op == JournalOp.PATIENT_UPDATE || op == JournalOp.PATIENT_MERGE) && patient == null)
            throw new IllegalArgumentException(op + " needs its patient");
        if (op == JournalOp.PATIENT_MERGE && priorPatient == null)
            throw new IllegalArgumentException(op + " needs the prior patient");
        if (op == JournalOp.WORKLIST_UPDATE) Text.require(worklistItemId, "worklist item id");
        if (op == JournalOp.PERFORMED_STEP_UPDATE) Text.require(sopInstanceUid, "performed step SOP Instance UID");
    }
}
