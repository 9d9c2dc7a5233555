package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.util.List;
import org.miroir.storage.metadata.EncodedAttributes;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StudyRecord;

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

    private static Integer integer(Row r, String column) {
        return r.isNull(column) ? null : r.getInt(column);
    }
}
