package org.miroir.storage.metadata;

/**
 * A series of a study.
 *
 * @param seriesNumber      Series Number (0020,0011), {@code null} when absent or not an integer
 * @param numberOfInstances Number of Series Related Instances (0020,1209), computed by the store
 */
public record SeriesRecord(
        String studyInstanceUid,
        String seriesInstanceUid,
        String modality,
        Integer seriesNumber,
        String seriesDescription,
        String bodyPartExamined,
        String performedProcedureStepStartDate,
        String performedProcedureStepStartTime,
        int numberOfInstances,
        EncodedAttributes attributes) implements MetadataRecord {
    public SeriesRecord {
        Text.require(studyInstanceUid, "Study Instance UID");
        Text.require(seriesInstanceUid, "Series Instance UID");
        modality = Text.orNull(modality);
        seriesDescription = Text.orNull(seriesDescription);
        bodyPartExamined = Text.orNull(bodyPartExamined);
        performedProcedureStepStartDate = Text.orNull(performedProcedureStepStartDate);
        performedProcedureStepStartTime = Text.orNull(performedProcedureStepStartTime);
    }

    /** A series to store: the computed field is left empty. */
    public static SeriesRecord forStore(String studyInstanceUid, String seriesInstanceUid, String modality,
            Integer seriesNumber, String seriesDescription, String bodyPartExamined,
            String performedProcedureStepStartDate, String performedProcedureStepStartTime,
            EncodedAttributes attributes) {
        return new SeriesRecord(studyInstanceUid, seriesInstanceUid, modality, seriesNumber, seriesDescription,
                bodyPartExamined, performedProcedureStepStartDate, performedProcedureStepStartTime, 0, attributes);
    }
}
