package org.miroir.storage.metadata;

/** What a journal entry records. */
public enum JournalOp {
    /** An instance was stored or replaced: UIDs, object key, size and digest are set. */
    STORE,
    DELETE_STUDY,
    DELETE_SERIES,
    DELETE_INSTANCE,
    /** A patient's demographics were set by the patient registry (HL7 ADT): {@code patient} is set. */
    PATIENT_UPDATE,
    /** {@code priorPatient} was merged into {@code patient} (HL7 A40), its studies moved with it. */
    PATIENT_MERGE,
    /** A worklist item was created, replaced or changed status: {@code worklistItemId} is set. */
    WORKLIST_UPDATE,
    /** A Modality Performed Procedure Step was created or updated: its SOP Instance UID is {@code sopInstanceUid}. */
    PERFORMED_STEP_UPDATE;

    /** Whether entries of this op are about one study (and carry its UID). */
    public boolean ofStudy() {
        return this == STORE || this == DELETE_STUDY || this == DELETE_SERIES || this == DELETE_INSTANCE;
    }
}
