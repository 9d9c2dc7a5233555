package org.miroir.storage.worklist;

import org.miroir.storage.query.ValueKind;

/**
 * What every driver matches worklist items on: the Modality Worklist keys modalities query by (PS3.4 K.6.1.2.2),
 * plus the step's status. Values compare as the query model's {@link ValueKind}s do.
 */
public enum WorklistKey {
    /** Scheduled Station AE Title (0040,0001), inside the Scheduled Procedure Step Sequence. */
    STATION_AE_TITLE(0x00400001, ValueKind.CODE),
    /** Modality (0008,0060), inside the Scheduled Procedure Step Sequence. */
    MODALITY(0x00080060, ValueKind.CODE),
    /** Scheduled Procedure Step Start Date (0040,0002). */
    START_DATE(0x00400002, ValueKind.DATE),
    /** Scheduled Procedure Step Start Time (0040,0003). */
    START_TIME(0x00400003, ValueKind.TIME),
    PATIENT_ID(0x00100020, ValueKind.TEXT),
    ISSUER_OF_PATIENT_ID(0x00100021, ValueKind.TEXT),
    PATIENT_NAME(0x00100010, ValueKind.PERSON_NAME),
    ACCESSION_NUMBER(0x00080050, ValueKind.TEXT),
    REQUESTED_PROCEDURE_ID(0x00401001, ValueKind.TEXT),
    /** Scheduled Procedure Step ID (0040,0009). */
    STEP_ID(0x00400009, ValueKind.TEXT),
    STUDY_INSTANCE_UID(0x0020000D, ValueKind.UID),
    /** The {@link StepStatus} name (not a DICOM value: the node maps Scheduled Procedure Step Status to it). */
    STATUS(0x00400020, ValueKind.CODE);

    private final int tag;
    private final ValueKind kind;

    WorklistKey(int tag, ValueKind kind) {
        this.tag = tag;
        this.kind = kind;
    }

    /** The DICOM tag, group in the high 16 bits. */
    public int tag() {
        return tag;
    }

    public ValueKind kind() {
        return kind;
    }
}
