package org.miroir.storage.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import org.miroir.storage.metadata.JournalOp;
import org.miroir.storage.metadata.PatientKey;

/**
 * The journal's statements on the writer connection. Every write adds its entry inside the same savepoint as its
 * rows, so an entry exists exactly when its change does; positions are the AUTOINCREMENT keys, in commit order.
 */
final class JournalWrites {
    private final PreparedStatement insert, trim;

    JournalWrites(Connection c) throws SQLException {
        insert = c.prepareStatement("INSERT INTO journal (recorded_at, op, study_uid, series_uid, sop_uid, "
                + "object_key, size, sha256, patient_id, issuer, prior_patient_id, prior_issuer, item_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq");
        trim = c.prepareStatement("DELETE FROM journal WHERE seq <= ?");
    }

    /** An entry about a study; returns its position. */
    String study(JournalOp op, String study, String series, String sop, String key, long size, String sha)
            throws SQLException {
        return insert(op, study, series, sop, key, size, sha, null, null, null);
    }

    String patient(JournalOp op, PatientKey patient, PatientKey prior) throws SQLException {
        return insert(op, null, null, null, null, -1, null, patient, prior, null);
    }

    String worklistItem(String itemId) throws SQLException {
        return insert(JournalOp.WORKLIST_UPDATE, null, null, null, null, -1, null, null, null, itemId);
    }

    String performedStep(String sopInstanceUid) throws SQLException {
        return insert(JournalOp.PERFORMED_STEP_UPDATE, null, null, sopInstanceUid, null, -1, null, null, null, null);
    }

    void trim(long throughSeq) throws SQLException {
        IndexWrites.bind(trim, throughSeq);
        trim.executeUpdate();
    }

    private String insert(JournalOp op, String study, String series, String sop, String key, long size, String sha,
            PatientKey patient, PatientKey prior, String itemId) throws SQLException {
        IndexWrites.bind(insert, Instant.now().toEpochMilli(), op.name(), study, series, sop, key,
                size < 0 ? null : size, sha, patient == null ? null : patient.patientId(),
                patient == null ? null : patient.issuerOfPatientId(), prior == null ? null : prior.patientId(),
                prior == null ? null : prior.issuerOfPatientId(), itemId);
        return Long.toString(IndexWrites.returnedKey(insert));
    }
}
