package org.miroir.storage.metadata;

/** The index rows of one received instance: its patient (inside the study), study, series and instance. */
public record StoreRequest(StudyRecord study, SeriesRecord series, InstanceRecord instance) {
    public StoreRequest {
        if (study == null || series == null || instance == null)
            throw new IllegalArgumentException("study, series and instance are required");
        if (!series.studyInstanceUid().equals(study.studyInstanceUid())
                || !instance.studyInstanceUid().equals(study.studyInstanceUid())
                || !instance.seriesInstanceUid().equals(series.seriesInstanceUid()))
            throw new IllegalArgumentException("study, series and instance UIDs of a store request disagree");
    }

    public PatientRecord patient() {
        return study.patient();
    }
}
