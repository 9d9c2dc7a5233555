package org.miroir.dr.replication;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.storage.metadata.EncodedAttributes;
import org.miroir.storage.metadata.PatientKey;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.worklist.PerformedStep;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistItem;

import java.util.Base64;

/**
 * The records a change ships as JSON: a patient of the registry, a worklist item, a performed step, each as it stands
 * on the active site when shipped (encoded attributes in base64).
 */
final class RecordCodec {
    private RecordCodec() {}

    static JsonObject key(PatientKey k) {
        return new JsonObject().put("patientId", k.patientId()).put("issuer", k.issuerOfPatientId());
    }

    static PatientKey key(JsonObject j) {
        return new PatientKey(j.getString("patientId"), j.getString("issuer"));
    }

    static JsonObject patient(PatientRecord p) {
        return key(PatientKey.of(p)).put("name", p.patientName()).put("birthDate", p.birthDate()).put("sex", p.sex())
                .put("attributes", attributes(p.attributes()));
    }

    static PatientRecord patient(JsonObject j) {
        return new PatientRecord(j.getString("patientId"), j.getString("issuer"), j.getString("name"),
                j.getString("birthDate"), j.getString("sex"), attributes(j.getString("attributes")));
    }

    static JsonObject item(WorklistItem i) {
        return new JsonObject().put("itemId", i.itemId()).put("status", i.status().name())
                .put("patientId", i.patientId()).put("issuer", i.issuerOfPatientId()).put("patientName", i.patientName())
                .put("accession", i.accessionNumber()).put("requestedProcedureId", i.requestedProcedureId())
                .put("stepId", i.stepId()).put("station", i.stationAETitle()).put("modality", i.modality())
                .put("startDate", i.startDate()).put("startTime", i.startTime()).put("study", i.studyInstanceUid())
                .put("performedStep", i.performedStepUid()).put("attributes", attributes(i.attributes()));
    }

    static WorklistItem item(JsonObject j) {
        return new WorklistItem(j.getString("itemId"), StepStatus.valueOf(j.getString("status")), j.getString("patientId"),
                j.getString("issuer"), j.getString("patientName"), j.getString("accession"),
                j.getString("requestedProcedureId"), j.getString("stepId"), j.getString("station"),
                j.getString("modality"), j.getString("startDate"), j.getString("startTime"), j.getString("study"),
                j.getString("performedStep"), attributes(j.getString("attributes")));
    }

    /** The same item as its order made it: scheduled, no performed step yet. */
    static WorklistItem scheduled(WorklistItem i) {
        return new WorklistItem(i.itemId(), StepStatus.SCHEDULED, i.patientId(), i.issuerOfPatientId(), i.patientName(),
                i.accessionNumber(), i.requestedProcedureId(), i.stepId(), i.stationAETitle(), i.modality(),
                i.startDate(), i.startTime(), i.studyInstanceUid(), null, i.attributes());
    }

    static JsonObject step(PerformedStep s) {
        return new JsonObject().put("sop", s.sopInstanceUid()).put("status", s.status().name())
                .put("items", new JsonArray(s.worklistItemIds())).put("attributes", attributes(s.attributes()));
    }

    static PerformedStep step(JsonObject j) {
        return new PerformedStep(j.getString("sop"), PerformedStep.Status.valueOf(j.getString("status")),
                j.getJsonArray("items", new JsonArray()).stream().map(Object::toString).toList(),
                attributes(j.getString("attributes")));
    }

    private static String attributes(EncodedAttributes a) {
        return a == null ? null : Base64.getEncoder().encodeToString(a.toByteArray());
    }

    private static EncodedAttributes attributes(String b64) {
        return b64 == null ? null : EncodedAttributes.of(Base64.getDecoder().decode(b64));
    }
}
