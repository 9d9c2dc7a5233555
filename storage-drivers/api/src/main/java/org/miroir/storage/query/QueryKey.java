package org.miroir.storage.query;

import java.util.Optional;

/**
 * The attributes every driver indexes and matches: the C-FIND required and unique keys of PS3.4 C.6 and the QIDO-RS
 * matching attributes of PS3.18. Matching on any other attribute is done by the node through
 * {@link Query#filter()} on the records' encoded attributes.
 */
public enum QueryKey {
    PATIENT_ID(QueryLevel.PATIENT, 0x00100020, ValueKind.TEXT),
    ISSUER_OF_PATIENT_ID(QueryLevel.PATIENT, 0x00100021, ValueKind.TEXT),
    PATIENT_NAME(QueryLevel.PATIENT, 0x00100010, ValueKind.PERSON_NAME),
    PATIENT_BIRTH_DATE(QueryLevel.PATIENT, 0x00100030, ValueKind.DATE),
    PATIENT_SEX(QueryLevel.PATIENT, 0x00100040, ValueKind.CODE),

    STUDY_INSTANCE_UID(QueryLevel.STUDY, 0x0020000D, ValueKind.UID),
    STUDY_DATE(QueryLevel.STUDY, 0x00080020, ValueKind.DATE),
    STUDY_TIME(QueryLevel.STUDY, 0x00080030, ValueKind.TIME),
    ACCESSION_NUMBER(QueryLevel.STUDY, 0x00080050, ValueKind.TEXT),
    REFERRING_PHYSICIAN_NAME(QueryLevel.STUDY, 0x00080090, ValueKind.PERSON_NAME),
    STUDY_DESCRIPTION(QueryLevel.STUDY, 0x00081030, ValueKind.TEXT),
    STUDY_ID(QueryLevel.STUDY, 0x00200010, ValueKind.TEXT),
    /** Multi-valued: matches when any modality of the study's series matches. */
    MODALITIES_IN_STUDY(QueryLevel.STUDY, 0x00080061, ValueKind.CODE),

    SERIES_INSTANCE_UID(QueryLevel.SERIES, 0x0020000E, ValueKind.UID),
    MODALITY(QueryLevel.SERIES, 0x00080060, ValueKind.CODE),
    SERIES_NUMBER(QueryLevel.SERIES, 0x00200011, ValueKind.INTEGER),
    SERIES_DESCRIPTION(QueryLevel.SERIES, 0x0008103E, ValueKind.TEXT),
    BODY_PART_EXAMINED(QueryLevel.SERIES, 0x00180015, ValueKind.CODE),
    PERFORMED_PROCEDURE_STEP_START_DATE(QueryLevel.SERIES, 0x00400244, ValueKind.DATE),
    PERFORMED_PROCEDURE_STEP_START_TIME(QueryLevel.SERIES, 0x00400245, ValueKind.TIME),

    SOP_INSTANCE_UID(QueryLevel.INSTANCE, 0x00080018, ValueKind.UID),
    SOP_CLASS_UID(QueryLevel.INSTANCE, 0x00080016, ValueKind.UID),
    INSTANCE_NUMBER(QueryLevel.INSTANCE, 0x00200013, ValueKind.INTEGER);

    private final QueryLevel level;
    private final int tag;
    private final ValueKind kind;

    QueryKey(QueryLevel level, int tag, ValueKind kind) {
        this.level = level;
        this.tag = tag;
        this.kind = kind;
    }

    public QueryLevel level() {
        return level;
    }

    /** The DICOM tag, group in the high 16 bits. */
    public int tag() {
        return tag;
    }

    public ValueKind kind() {
        return kind;
    }

    public static Optional<QueryKey> forTag(int tag) {
        for (QueryKey k : values()) if (k.tag == tag) return Optional.of(k);
        return Optional.empty();
    }
}
