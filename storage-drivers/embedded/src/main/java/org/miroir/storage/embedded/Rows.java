package org.miroir.storage.embedded;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.miroir.storage.metadata.EncodedAttributes;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.worklist.PerformedStep;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistItem;

/** Column lists (with the labels the readers use) and the mapping from rows to records. */
final class Rows {
    static final String PATIENT = "p.patient_id AS p_id, p.issuer AS p_issuer, p.name AS p_name, "
            + "p.birth_date AS p_birth, p.sex AS p_sex";
    static final String STUDY = "st.study_uid AS st_uid, st.study_date AS st_date, st.study_time AS st_time, "
            + "st.accession AS st_acc, st.referring AS st_ref, st.description AS st_desc, st.study_id AS st_id, "
            + "st.modalities AS st_mods, st.num_series AS st_nse, st.num_instances AS st_nin";
    static final String SERIES = "st.study_uid AS st_uid, se.series_uid AS se_uid, se.modality AS se_mod, "
            + "se.series_number AS se_num, se.description AS se_desc, se.body_part AS se_body, "
            + "se.pps_date AS se_pdate, se.pps_time AS se_ptime, se.num_instances AS se_nin";
    static final String INSTANCE = "st.study_uid AS st_uid, se.series_uid AS se_uid, i.sop_uid AS i_uid, "
            + "i.sop_class AS i_class, i.instance_number AS i_num, i.transfer_syntax AS i_ts, i.object_key AS i_key, "
            + "i.size AS i_size, i.sha256 AS i_sha, i.stored_at AS i_at";

    static final String WORKLIST_ITEM = "w.item_id AS w_id, w.status AS w_status, w.patient_id AS w_pid, "
            + "w.issuer AS w_issuer, w.patient_name AS w_name, w.accession AS w_acc, "
            + "w.requested_procedure_id AS w_rpid, w.step_id AS w_spsid, w.station_aet AS w_aet, "
            + "w.modality AS w_mod, w.start_date AS w_date, w.start_time AS w_time, w.study_uid AS w_study, "
            + "w.performed_step_uid AS w_pps, w.attrs AS w_attrs";

    private Rows() {}

    static WorklistItem worklistItem(ResultSet rs) throws SQLException {
        return new WorklistItem(rs.getString("w_id"), StepStatus.valueOf(rs.getString("w_status")),
                rs.getString("w_pid"), rs.getString("w_issuer"), rs.getString("w_name"), rs.getString("w_acc"),
                rs.getString("w_rpid"), rs.getString("w_spsid"), rs.getString("w_aet"), rs.getString("w_mod"),
                rs.getString("w_date"), rs.getString("w_time"), rs.getString("w_study"), rs.getString("w_pps"),
                blob(rs, "w_attrs"));
    }

    /** Separates the item ids of a performed step in its row (ids hold no control characters). */
    static final String ID_SEPARATOR = "\u001f";

    /** A performed step from {@code SELECT sop_uid, status, item_ids, attrs}. */
    static PerformedStep performedStep(ResultSet rs) throws SQLException {
        String ids = rs.getString(3);
        return new PerformedStep(rs.getString(1), PerformedStep.Status.valueOf(rs.getString(2)),
                ids == null || ids.isEmpty() ? List.of() : List.of(ids.split(ID_SEPARATOR)), blob(rs, "attrs"));
    }

    static PatientRecord patient(ResultSet rs, boolean attrs) throws SQLException {
        return new PatientRecord(rs.getString("p_id"), rs.getString("p_issuer"), rs.getString("p_name"),
                rs.getString("p_birth"), rs.getString("p_sex"), attrs ? blob(rs, "p_attrs") : null);
    }

    static StudyRecord study(ResultSet rs, boolean attrs) throws SQLException {
        String mods = rs.getString("st_mods");
        return new StudyRecord(patient(rs, attrs), rs.getString("st_uid"), rs.getString("st_date"),
                rs.getString("st_time"), rs.getString("st_acc"), rs.getString("st_ref"), rs.getString("st_desc"),
                rs.getString("st_id"), mods == null ? List.of() : List.of(mods.split("\\\\")),
                rs.getInt("st_nse"), rs.getInt("st_nin"), attrs ? blob(rs, "st_attrs") : null);
    }

    static SeriesRecord series(ResultSet rs, boolean attrs) throws SQLException {
        return new SeriesRecord(rs.getString("st_uid"), rs.getString("se_uid"), rs.getString("se_mod"),
                integer(rs, "se_num"), rs.getString("se_desc"), rs.getString("se_body"), rs.getString("se_pdate"),
                rs.getString("se_ptime"), rs.getInt("se_nin"), attrs ? blob(rs, "se_attrs") : null);
    }

    static InstanceRecord instance(ResultSet rs, boolean attrs) throws SQLException {
        return new InstanceRecord(rs.getString("st_uid"), rs.getString("se_uid"), rs.getString("i_uid"),
                rs.getString("i_class"), integer(rs, "i_num"), rs.getString("i_ts"), rs.getString("i_key"),
                rs.getLong("i_size"), rs.getString("i_sha"), Instant.ofEpochMilli(rs.getLong("i_at")),
                attrs ? blob(rs, "i_attrs") : null);
    }

    private static Integer integer(ResultSet rs, String label) throws SQLException {
        int v = rs.getInt(label);
        return rs.wasNull() ? null : v;
    }

    private static EncodedAttributes blob(ResultSet rs, String label) throws SQLException {
        byte[] b = rs.getBytes(label);
        return b == null ? null : EncodedAttributes.of(b);
    }

    static byte[] bytes(EncodedAttributes a) {
        return a == null ? null : a.toByteArray();
    }
}
