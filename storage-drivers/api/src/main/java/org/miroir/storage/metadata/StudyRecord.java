package org.miroir.storage.metadata;

import java.util.List;

/**
 * A study with its patient (C-FIND and QIDO return patient attributes at study level). The latest stored instance's
 * values win, including the patient the study belongs to.
 *
 * @param modalitiesInStudy Modalities in Study (0008,0061): distinct modalities of its series, computed by the store
 * @param numberOfSeries    Number of Study Related Series (0020,1206), computed by the store
 * @param numberOfInstances Number of Study Related Instances (0020,1208), computed by the store
 */
public record StudyRecord(
        PatientRecord patient,
        String studyInstanceUid,
        String studyDate,
        String studyTime,
        String accessionNumber,
        String referringPhysicianName,
        String studyDescription,
        String studyId,
        List<String> modalitiesInStudy,
        int numberOfSeries,
        int numberOfInstances,
        EncodedAttributes attributes) implements MetadataRecord {
    public StudyRecord {
        if (patient == null) throw new IllegalArgumentException("patient is required");
        Text.require(studyInstanceUid, "Study Instance UID");
        studyDate = Text.orNull(studyDate);
        studyTime = Text.orNull(studyTime);
        accessionNumber = Text.orNull(accessionNumber);
        referringPhysicianName = Text.orNull(referringPhysicianName);
        studyDescription = Text.orNull(studyDescription);
        studyId = Text.orNull(studyId);
        modalitiesInStudy = modalitiesInStudy == null ? List.of() : List.copyOf(modalitiesInStudy);
    }

    /** A study to store: the computed fields are left empty. */
    public static StudyRecord forStore(PatientRecord patient, String studyInstanceUid, String studyDate,
            String studyTime, String accessionNumber, String referringPhysicianName, String studyDescription,
            String studyId, EncodedAttributes attributes) {
        return new StudyRecord(patient, studyInstanceUid, studyDate, studyTime, accessionNumber,
                referringPhysicianName, studyDescription, studyId, List.of(), 0, 0, attributes);
    }
}
