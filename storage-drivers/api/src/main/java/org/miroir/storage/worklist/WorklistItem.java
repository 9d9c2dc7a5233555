package org.miroir.storage.worklist;

import org.miroir.storage.metadata.EncodedAttributes;
import org.miroir.storage.metadata.Text;

/**
 * One Scheduled Procedure Step of the modality worklist with the values the store indexes (those of
 * {@link WorklistKey}) and the whole worklist item as the node encodes it ({@code attributes}: patient, Imaging
 * Service Request, Requested Procedure and the Scheduled Procedure Step, answered to MWL C-FIND). Text values come
 * without DICOM padding; absent and empty values are {@code null}.
 *
 * @param itemId           the item's key, chosen by the node (unique per step, stable across order updates; no
 *                         control characters, so drivers may join ids)
 * @param stationAETitle   Scheduled Station AE Title (0040,0001)
 * @param startDate        Scheduled Procedure Step Start Date (0040,0002)
 * @param startTime        Scheduled Procedure Step Start Time (0040,0003)
 * @param stepId           Scheduled Procedure Step ID (0040,0009)
 * @param performedStepUid the Modality Performed Procedure Step that started it; {@code null} before
 * @param attributes       opaque to drivers: stored and returned as given
 */
public record WorklistItem(
        String itemId,
        StepStatus status,
        String patientId,
        String issuerOfPatientId,
        String patientName,
        String accessionNumber,
        String requestedProcedureId,
        String stepId,
        String stationAETitle,
        String modality,
        String startDate,
        String startTime,
        String studyInstanceUid,
        String performedStepUid,
        EncodedAttributes attributes) {
    public WorklistItem {
        Text.require(itemId, "worklist item id");
        if (itemId.chars().anyMatch(Character::isISOControl))
            throw new IllegalArgumentException("worklist item id with control characters");
        if (status == null) throw new IllegalArgumentException("status is required");
        patientId = Text.orNull(patientId);
        issuerOfPatientId = Text.orNull(issuerOfPatientId);
        patientName = Text.orNull(patientName);
        accessionNumber = Text.orNull(accessionNumber);
        requestedProcedureId = Text.orNull(requestedProcedureId);
        stepId = Text.orNull(stepId);
        stationAETitle = Text.orNull(stationAETitle);
        modality = Text.orNull(modality);
        startDate = Text.orNull(startDate);
        startTime = Text.orNull(startTime);
        studyInstanceUid = Text.orNull(studyInstanceUid);
        performedStepUid = Text.orNull(performedStepUid);
    }

    /** Throws unless this item can be written by an order: {@code SCHEDULED}, without performed step. */
    public void requireSchedulable() {
        if (status != StepStatus.SCHEDULED || performedStepUid != null)
            throw new IllegalArgumentException("an order writes SCHEDULED items without performed step, not " + status);
    }

    /** The same item in another status, started by {@code performedStep} (or keeping its own when {@code null}). */
    public WorklistItem withStatus(StepStatus s, String performedStep) {
        return new WorklistItem(itemId, s, patientId, issuerOfPatientId, patientName, accessionNumber,
                requestedProcedureId, stepId, stationAETitle, modality, startDate, startTime, studyInstanceUid,
                performedStep == null ? performedStepUid : performedStep, attributes);
    }

    /** The value {@code key} matches against. */
    public String value(WorklistKey key) {
        return switch (key) {
            case STATION_AE_TITLE -> stationAETitle;
            case MODALITY -> modality;
            case START_DATE -> startDate;
            case START_TIME -> startTime;
            case PATIENT_ID -> patientId;
            case ISSUER_OF_PATIENT_ID -> issuerOfPatientId;
            case PATIENT_NAME -> patientName;
            case ACCESSION_NUMBER -> accessionNumber;
            case REQUESTED_PROCEDURE_ID -> requestedProcedureId;
            case STEP_ID -> stepId;
            case STUDY_INSTANCE_UID -> studyInstanceUid;
            case STATUS -> status.name();
        };
    }
}
