package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.util.List;
import org.miroir.storage.metadata.EncodedAttributes;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.worklist.PerformedStep;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistItem;

/** Rows to records and back. Absent key values (issuer, patient ID) are stored as empty strings. */
final class Rows {
    private Rows() {}

    static String key(String s) {
        return s == null ? "" : s;
    }

    static ByteBuffer blob(EncodedAttributes a) {
        return a == null ? null : ByteBuffer.wrap(a.toByteArray());
    }

    static EncodedAttributes attributes(Row r) {
        ByteBuffer b = r.getByteBuffer("attrs");
        if (b == null) return null;
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return EncodedAttributes.of(bytes);
    }

    static PatientRecord patient(Row r) {
        return new PatientRecord(r.getString("patient_id"), r.getString("issuer"), r.getString("name"),
                r.getString("birth_date"), r.getString("sex"), attributes(r));
    }

    /** A patient known only by its key (its row is missing: a write still on its way, or a crash). */
    static PatientRecord patientKey(String issuer, String patientId) {
        return new PatientRecord(patientId, issuer, null, null, null, null);
    }

    static StudyRecord study(Row r, PatientRecord patient, List<String> modalities, int series, int instances) {
        return new StudyRecord(patient, r.getString("study_uid"), r.getString("study_date"),
                r.getString("study_time"), r.getString("accession"), r.getString("referring"),
                r.getString("description"), r.getString("study_id"), modalities, series, instances, attributes(r));
    }

    static SeriesRecord series(Row r, int instances) {
        return new SeriesRecord(r.getString("study_uid"), r.getString("series_uid"), r.getString("modality"),
                integer(r, "series_number"), r.getString("description"), r.getString("body_part"),
                r.getString("pps_date"), r.getString("pps_time"), instances, attributes(r));
    }

    /** An instance from {@code instance_by_study} or {@code instance}, without its header. */
    static InstanceRecord instance(Row r) {
        return new InstanceRecord(r.getString("study_uid"), r.getString("series_uid"), r.getString("sop_uid"),
                r.getString("sop_class"), integer(r, "instance_number"), r.getString("ts_uid"),
                r.getString("object_key"), r.getLong("size"), r.getString("sha256"), r.getInstant("stored_at"), null);
    }

    /** An item from {@code worklist_item} or {@code worklist_active}. */
    static WorklistItem worklistItem(Row r) {
        return new WorklistItem(r.getString("item_id"), StepStatus.valueOf(r.getString("status")),
                r.getString("patient_id"), r.getString("issuer"), r.getString("patient_name"),
                r.getString("accession"), r.getString("rp_id"), r.getString("step_id"), r.getString("station_aet"),
                r.getString("modality"), r.getString("start_date"), r.getString("start_time"),
                r.getString("study_uid"), r.getString("pps_uid"), attributes(r));
    }

    /** An item's values in the order of the item columns of the worklist statements (after its id). */
    static Object[] itemValues(WorklistItem i) {
        return new Object[] {i.status().name(), i.patientId(), i.issuerOfPatientId(), i.patientName(),
                i.accessionNumber(), i.requestedProcedureId(), i.stepId(), i.stationAETitle(), i.modality(),
                i.startDate(), i.startTime(), i.studyInstanceUid(), i.performedStepUid(), blob(i.attributes())};
    }

    static PerformedStep performedStep(Row r) {
        return new PerformedStep(r.getString("sop_uid"), PerformedStep.Status.valueOf(r.getString("status")),
                r.getList("item_ids", String.class), attributes(r));
    }

    private static Integer integer(Row r, String column) {
        return r.isNull(column) ? null : r.getInt(column);
    }
}
