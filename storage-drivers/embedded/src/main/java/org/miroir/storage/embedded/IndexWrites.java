package org.miroir.storage.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.miroir.storage.metadata.Deletion;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.JournalOp;
import org.miroir.storage.metadata.PatientKey;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StoreOutcome;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.DateTimes;
import org.miroir.storage.query.Matching;
import org.miroir.storage.query.ValueKind;

/**
 * The writer's statements, prepared once on the writer connection, and the row logic of stores, deletes, patient
 * updates and merges. Runs only on the {@link GroupCommitWriter} thread, inside a savepoint, so each operation is all
 * or nothing and sees no concurrent writer: the duplicate check and the write are one atomic step.
 *
 * <p>Patients: a row written by the registry ({@link #updatePatient}) is {@code registered}, and stores leave its
 * values alone. A merged patient stays as a row whose {@code merged_into} names the surviving patient, so later
 * stores under its key go there; merges re-point older merges, so one hop always reaches a surviving patient.
 */
final class IndexWrites {
    private static final String INSTANCE_FROM = " FROM instance i JOIN series se ON se.pk = i.series_fk"
            + " JOIN study st ON st.pk = se.study_fk";

    private final PreparedStatement findInstance;
    private final PreparedStatement findPatient, insertPatient, updatePatient, deletePatientIfEmpty;
    private final PreparedStatement registerPatient, insertRegistered, moveStudies, markMerged, repointMerged;
    private final PreparedStatement findStudy, insertStudy, updateStudy, studyCounts, deleteStudy;
    private final PreparedStatement findSeries, insertSeries, updateSeries, seriesCounts, deleteSeries;
    private final PreparedStatement insertInstance, updateInstance, deleteInstance, deleteInstancesOfSeries;
    private final PreparedStatement addToSeries, addToStudy, refreshModalities;
    private final PreparedStatement seriesOfStudy, instancesOfSeries, instancesOfStudy;
    private final PreparedStatement deleteInstancesOfStudy, deleteSeriesOfStudy;
    private final JournalWrites journal;
    /** Test hook: the SOP Instance UID whose next store fails half-way, as a disk error would. */
    private final AtomicReference<String> failpoint = new AtomicReference<>();

    IndexWrites(Connection c, JournalWrites journal) throws SQLException {
        this.journal = journal;
        findInstance = c.prepareStatement("SELECT i.pk AS row_pk, i.series_fk AS series_fk, se.study_fk AS study_fk, "
                + Rows.INSTANCE + INSTANCE_FROM + " WHERE i.sop_uid = ?");
        findPatient = c.prepareStatement("SELECT pk, name, birth_date, sex, attrs, registered, merged_into "
                + "FROM patient WHERE patient_id = ? AND issuer = ?");
        insertPatient = c.prepareStatement("INSERT INTO patient (patient_id, issuer, name, name_fold, birth_date, "
                + "birth_date_n, sex, attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk");
        updatePatient = c.prepareStatement("UPDATE patient SET name = ?, name_fold = ?, birth_date = ?, "
                + "birth_date_n = ?, sex = ?, attrs = ? WHERE pk = ?");
        deletePatientIfEmpty = c.prepareStatement("DELETE FROM patient WHERE pk = ?1 AND registered = 0 "
                + "AND merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM study WHERE patient_fk = ?1)");
        registerPatient = c.prepareStatement("UPDATE patient SET name = ?, name_fold = ?, birth_date = ?, "
                + "birth_date_n = ?, sex = ?, attrs = ?, registered = 1, merged_into = NULL WHERE pk = ?");
        insertRegistered = c.prepareStatement("INSERT INTO patient (patient_id, issuer, name, name_fold, "
                + "birth_date, birth_date_n, sex, attrs, registered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING pk");
        moveStudies = c.prepareStatement("UPDATE study SET patient_fk = ? WHERE patient_fk = ?");
        markMerged = c.prepareStatement("UPDATE patient SET registered = 0, merged_into = ? WHERE pk = ?");
        repointMerged = c.prepareStatement("UPDATE patient SET merged_into = ?1 WHERE merged_into = ?2");
        findStudy = c.prepareStatement("SELECT pk, patient_fk, study_date, study_time, accession, referring, "
                + "description, study_id, attrs FROM study WHERE study_uid = ?");
        insertStudy = c.prepareStatement("INSERT INTO study (patient_fk, study_uid, study_date, study_date_n, "
                + "study_time, study_time_n, accession, referring, referring_fold, description, study_id, attrs) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk");
        updateStudy = c.prepareStatement("UPDATE study SET patient_fk = ?, study_date = ?, study_date_n = ?, "
                + "study_time = ?, study_time_n = ?, accession = ?, referring = ?, referring_fold = ?, "
                + "description = ?, study_id = ?, attrs = ? WHERE pk = ?");
        studyCounts = c.prepareStatement("SELECT num_series, patient_fk FROM study WHERE pk = ?");
        deleteStudy = c.prepareStatement("DELETE FROM study WHERE pk = ?");
        findSeries = c.prepareStatement("SELECT pk, modality, series_number, description, body_part, pps_date, "
                + "pps_time, attrs FROM series WHERE study_fk = ? AND series_uid = ?");
        insertSeries = c.prepareStatement("INSERT INTO series (study_fk, series_uid, modality, series_number, "
                + "description, body_part, pps_date, pps_date_n, pps_time, pps_time_n, attrs) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk");
        updateSeries = c.prepareStatement("UPDATE series SET modality = ?, series_number = ?, description = ?, "
                + "body_part = ?, pps_date = ?, pps_date_n = ?, pps_time = ?, pps_time_n = ?, attrs = ? WHERE pk = ?");
        seriesCounts = c.prepareStatement("SELECT num_instances, study_fk FROM series WHERE pk = ?");
        deleteSeries = c.prepareStatement("DELETE FROM series WHERE pk = ?");
        insertInstance = c.prepareStatement("INSERT INTO instance (series_fk, sop_uid, sop_class, instance_number, "
                + "transfer_syntax, object_key, size, sha256, stored_at, attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        updateInstance = c.prepareStatement("UPDATE instance SET sop_class = ?, instance_number = ?, "
                + "transfer_syntax = ?, object_key = ?, size = ?, sha256 = ?, stored_at = ?, attrs = ? WHERE pk = ?");
        deleteInstance = c.prepareStatement("DELETE FROM instance WHERE pk = ?");
        deleteInstancesOfSeries = c.prepareStatement("DELETE FROM instance WHERE series_fk = ?");
        addToSeries = c.prepareStatement("UPDATE series SET num_instances = num_instances + ? WHERE pk = ?");
        addToStudy = c.prepareStatement(
                "UPDATE study SET num_instances = num_instances + ?, num_series = num_series + ? WHERE pk = ?");
        refreshModalities = c.prepareStatement("UPDATE study SET modalities = (SELECT group_concat(m, '\\') FROM "
                + "(SELECT DISTINCT modality AS m FROM series WHERE study_fk = ?1 AND modality IS NOT NULL ORDER BY m)) "
                + "WHERE pk = ?1");
        seriesOfStudy = c.prepareStatement("SELECT se.pk, st.pk FROM series se JOIN study st ON st.pk = se.study_fk "
                + "WHERE st.study_uid = ? AND se.series_uid = ?");
        instancesOfSeries = c.prepareStatement("SELECT " + Rows.INSTANCE + INSTANCE_FROM + " WHERE i.series_fk = ?");
        instancesOfStudy = c.prepareStatement("SELECT st.pk AS study_pk, st.patient_fk AS patient_fk, "
                + Rows.INSTANCE + INSTANCE_FROM + " WHERE st.study_uid = ?");
        deleteInstancesOfStudy = c.prepareStatement(
                "DELETE FROM instance WHERE series_fk IN (SELECT pk FROM series WHERE study_fk = ?)");
        deleteSeriesOfStudy = c.prepareStatement("DELETE FROM series WHERE study_fk = ?");
    }

    void armFailure(String sopInstanceUid) {
        failpoint.set(sopInstanceUid);
    }

    // ---------------------------------------------------------------- store

    StoreOutcome store(StoreRequest r, DuplicatePolicy policy) throws SQLException {
        InstanceRecord in = r.instance();
        long existingPk = 0, existingSeries = 0, existingStudy = 0;
        InstanceRecord previous = null;
        findInstance.setString(1, in.sopInstanceUid());
        try (ResultSet rs = findInstance.executeQuery()) {
            if (rs.next()) {
                existingPk = rs.getLong("row_pk");
                existingSeries = rs.getLong("series_fk");
                existingStudy = rs.getLong("study_fk");
                previous = Rows.instance(rs, false);
            }
        }
        if (previous != null && policy != DuplicatePolicy.OVERWRITE)
            return new StoreOutcome(policy == DuplicatePolicy.IGNORE ? StoreOutcome.Status.IGNORED
                    : StoreOutcome.Status.REJECTED, previous, null);

        long patientPk = upsertPatient(r.patient());
        long[] study = upsertStudy(r.study(), patientPk);
        long studyPk = study[0];
        long seriesPk = upsertSeries(r.series(), studyPk);
        if (in.sopInstanceUid().equals(failpoint.get()) && failpoint.compareAndSet(in.sopInstanceUid(), null))
            throw new SQLException("injected failure after the patient, study and series rows");

        if (previous != null && existingSeries == seriesPk) {
            bind(updateInstance, in.sopClassUid(), in.instanceNumber(), in.transferSyntaxUid(), in.objectKey(),
                    in.size(), in.sha256(), in.storedAt().toEpochMilli(), Rows.bytes(in.attributes()), existingPk);
            updateInstance.executeUpdate();
        } else {
            if (previous != null) {
                bind(deleteInstance, existingPk);
                deleteInstance.executeUpdate();
                countInstances(existingSeries, existingStudy, -1);
            }
            bind(insertInstance, seriesPk, in.sopInstanceUid(), in.sopClassUid(), in.instanceNumber(),
                    in.transferSyntaxUid(), in.objectKey(), in.size(), in.sha256(), in.storedAt().toEpochMilli(),
                    Rows.bytes(in.attributes()));
            insertInstance.executeUpdate();
            countInstances(seriesPk, studyPk, 1);
            if (previous != null) removeSeriesIfEmpty(existingSeries);
        }
        if (study[1] != 0 && study[1] != patientPk) removePatientIfEmpty(study[1]);
        String position = journal.study(JournalOp.STORE, in.studyInstanceUid(), in.seriesInstanceUid(),
                in.sopInstanceUid(), in.objectKey(), in.size(), in.sha256());
        return new StoreOutcome(previous == null ? StoreOutcome.Status.STORED : StoreOutcome.Status.REPLACED,
                previous, position);
    }

    /**
     * The patient an instance is filed under: its own row (created, or updated unless registered), or the surviving
     * patient its own was merged into.
     */
    private long upsertPatient(PatientRecord p) throws SQLException {
        String id = orEmpty(p.patientId()), issuer = orEmpty(p.issuerOfPatientId());
        byte[] attrs = Rows.bytes(p.attributes());
        bind(findPatient, id, issuer);
        long pk = 0, mergedInto = 0;
        try (ResultSet rs = findPatient.executeQuery()) {
            if (rs.next()) {
                pk = rs.getLong(1);
                mergedInto = rs.getLong(7);
                if (mergedInto == 0 && rs.getInt(6) == 0 && !same(rs, 2, p.patientName(), p.birthDate(), p.sex(), attrs)) {
                    bind(updatePatient, p.patientName(), Matching.fold(p.patientName()), p.birthDate(),
                            DateTimes.normalize(ValueKind.DATE, p.birthDate()), p.sex(), attrs, pk);
                    updatePatient.executeUpdate();
                }
            }
        }
        if (mergedInto != 0) return mergedInto;
        if (pk != 0) return pk;
        bind(insertPatient, id, issuer, p.patientName(), Matching.fold(p.patientName()), p.birthDate(),
                DateTimes.normalize(ValueKind.DATE, p.birthDate()), p.sex(), attrs);
        return returnedKey(insertPatient);
    }

    // ---------------------------------------------------------------- patients from the registry

    String updatePatient(PatientRecord p) throws SQLException {
        register(p);
        return journal.patient(JournalOp.PATIENT_UPDATE, PatientKey.of(p), null);
    }

    String mergePatients(PatientKey prior, PatientRecord surviving) throws SQLException {
        PatientKey to = PatientKey.of(surviving);
        if (prior.equals(to)) throw new IllegalArgumentException("a patient cannot be merged into itself");
        long survivingPk = register(surviving);
        bind(findPatient, orEmpty(prior.patientId()), orEmpty(prior.issuerOfPatientId()));
        long priorPk = 0;
        try (ResultSet rs = findPatient.executeQuery()) {
            if (rs.next()) priorPk = rs.getLong(1);
        }
        if (priorPk == 0) {
            // Unknown yet: its row still redirects the instances that may come under its key.
            bind(insertPatient, orEmpty(prior.patientId()), orEmpty(prior.issuerOfPatientId()), null, null, null,
                    null, null, null);
            priorPk = returnedKey(insertPatient);
        }
        bind(moveStudies, survivingPk, priorPk);
        moveStudies.executeUpdate();
        bind(markMerged, survivingPk, priorPk);
        markMerged.executeUpdate();
        bind(repointMerged, survivingPk, priorPk);
        repointMerged.executeUpdate();
        return journal.patient(JournalOp.PATIENT_MERGE, to, prior);
    }

    /** Creates or overwrites a patient as registered (no longer merged); returns its key. */
    private long register(PatientRecord p) throws SQLException {
        byte[] attrs = Rows.bytes(p.attributes());
        String birthN = DateTimes.normalize(ValueKind.DATE, p.birthDate());
        bind(findPatient, orEmpty(p.patientId()), orEmpty(p.issuerOfPatientId()));
        try (ResultSet rs = findPatient.executeQuery()) {
            if (rs.next()) {
                long pk = rs.getLong(1);
                bind(registerPatient, p.patientName(), Matching.fold(p.patientName()), p.birthDate(), birthN, p.sex(),
                        attrs, pk);
                registerPatient.executeUpdate();
                return pk;
            }
        }
        bind(insertRegistered, orEmpty(p.patientId()), orEmpty(p.issuerOfPatientId()), p.patientName(),
                Matching.fold(p.patientName()), p.birthDate(), birthN, p.sex(), attrs);
        return returnedKey(insertRegistered);
    }

    /** Returns the study's key and the patient it belonged to before (0 when new). */
    private long[] upsertStudy(StudyRecord s, long patientPk) throws SQLException {
        byte[] attrs = Rows.bytes(s.attributes());
        findStudy.setString(1, s.studyInstanceUid());
        try (ResultSet rs = findStudy.executeQuery()) {
            if (rs.next()) {
                long pk = rs.getLong(1);
                long oldPatient = rs.getLong(2);
                if (oldPatient != patientPk || !same(rs, 3, s.studyDate(), s.studyTime(), s.accessionNumber(),
                        s.referringPhysicianName(), s.studyDescription(), s.studyId(), attrs)) {
                    bind(updateStudy, patientPk, s.studyDate(), DateTimes.normalize(ValueKind.DATE, s.studyDate()),
                            s.studyTime(), DateTimes.normalize(ValueKind.TIME, s.studyTime()), s.accessionNumber(),
                            s.referringPhysicianName(), Matching.fold(s.referringPhysicianName()),
                            s.studyDescription(), s.studyId(), attrs, pk);
                    updateStudy.executeUpdate();
                }
                return new long[] {pk, oldPatient};
            }
        }
        bind(insertStudy, patientPk, s.studyInstanceUid(), s.studyDate(),
                DateTimes.normalize(ValueKind.DATE, s.studyDate()), s.studyTime(),
                DateTimes.normalize(ValueKind.TIME, s.studyTime()), s.accessionNumber(), s.referringPhysicianName(),
                Matching.fold(s.referringPhysicianName()), s.studyDescription(), s.studyId(), attrs);
        return new long[] {returnedKey(insertStudy), 0};
    }

    private long upsertSeries(SeriesRecord s, long studyPk) throws SQLException {
        byte[] attrs = Rows.bytes(s.attributes());
        bind(findSeries, studyPk, s.seriesInstanceUid());
        try (ResultSet rs = findSeries.executeQuery()) {
            if (rs.next()) {
                long pk = rs.getLong(1);
                String oldModality = rs.getString(2);
                if (!same(rs, 2, s.modality(), s.seriesNumber(), s.seriesDescription(), s.bodyPartExamined(),
                        s.performedProcedureStepStartDate(), s.performedProcedureStepStartTime(), attrs)) {
                    bind(updateSeries, s.modality(), s.seriesNumber(), s.seriesDescription(), s.bodyPartExamined(),
                            s.performedProcedureStepStartDate(),
                            DateTimes.normalize(ValueKind.DATE, s.performedProcedureStepStartDate()),
                            s.performedProcedureStepStartTime(),
                            DateTimes.normalize(ValueKind.TIME, s.performedProcedureStepStartTime()), attrs, pk);
                    updateSeries.executeUpdate();
                    if (!Objects.equals(oldModality, s.modality())) refreshModalities(studyPk);
                }
                return pk;
            }
        }
        bind(insertSeries, studyPk, s.seriesInstanceUid(), s.modality(), s.seriesNumber(), s.seriesDescription(),
                s.bodyPartExamined(), s.performedProcedureStepStartDate(),
                DateTimes.normalize(ValueKind.DATE, s.performedProcedureStepStartDate()),
                s.performedProcedureStepStartTime(),
                DateTimes.normalize(ValueKind.TIME, s.performedProcedureStepStartTime()), attrs);
        long pk = returnedKey(insertSeries);
        bind(addToStudy, 0, 1, studyPk);
        addToStudy.executeUpdate();
        refreshModalities(studyPk);
        return pk;
    }

    // ---------------------------------------------------------------- delete

    Deletion deleteInstance(String studyUid, String seriesUid, String sopUid) throws SQLException {
        long pk, seriesPk, studyPk;
        InstanceRecord removed;
        findInstance.setString(1, sopUid);
        try (ResultSet rs = findInstance.executeQuery()) {
            if (!rs.next()) return Deletion.none();
            removed = Rows.instance(rs, false);
            pk = rs.getLong("row_pk");
            seriesPk = rs.getLong("series_fk");
            studyPk = rs.getLong("study_fk");
        }
        if (!removed.studyInstanceUid().equals(studyUid) || !removed.seriesInstanceUid().equals(seriesUid))
            return Deletion.none();
        bind(deleteInstance, pk);
        deleteInstance.executeUpdate();
        countInstances(seriesPk, studyPk, -1);
        removeSeriesIfEmpty(seriesPk);
        return new Deletion(List.of(removed),
                journal.study(JournalOp.DELETE_INSTANCE, studyUid, seriesUid, sopUid, null, -1, null));
    }

    Deletion deleteSeries(String studyUid, String seriesUid) throws SQLException {
        long seriesPk, studyPk;
        bind(seriesOfStudy, studyUid, seriesUid);
        try (ResultSet rs = seriesOfStudy.executeQuery()) {
            if (!rs.next()) return Deletion.none();
            seriesPk = rs.getLong(1);
            studyPk = rs.getLong(2);
        }
        List<InstanceRecord> removed = new ArrayList<>();
        bind(instancesOfSeries, seriesPk);
        try (ResultSet rs = instancesOfSeries.executeQuery()) {
            while (rs.next()) removed.add(Rows.instance(rs, false));
        }
        if (removed.isEmpty()) return Deletion.none();
        bind(deleteInstancesOfSeries, seriesPk);
        deleteInstancesOfSeries.executeUpdate();
        bind(addToStudy, -removed.size(), -1, studyPk);
        addToStudy.executeUpdate();
        bind(deleteSeries, seriesPk);
        deleteSeries.executeUpdate();
        refreshModalities(studyPk);
        removeStudyIfEmpty(studyPk);
        return new Deletion(removed, journal.study(JournalOp.DELETE_SERIES, studyUid, seriesUid, null, null, -1, null));
    }

    Deletion deleteStudy(String studyUid) throws SQLException {
        long studyPk = 0, patientPk = 0;
        List<InstanceRecord> removed = new ArrayList<>();
        instancesOfStudy.setString(1, studyUid);
        try (ResultSet rs = instancesOfStudy.executeQuery()) {
            while (rs.next()) {
                studyPk = rs.getLong("study_pk");
                patientPk = rs.getLong("patient_fk");
                removed.add(Rows.instance(rs, false));
            }
        }
        if (removed.isEmpty()) return Deletion.none();
        bind(deleteInstancesOfStudy, studyPk);
        deleteInstancesOfStudy.executeUpdate();
        bind(deleteSeriesOfStudy, studyPk);
        deleteSeriesOfStudy.executeUpdate();
        bind(deleteStudy, studyPk);
        deleteStudy.executeUpdate();
        removePatientIfEmpty(patientPk);
        return new Deletion(removed, journal.study(JournalOp.DELETE_STUDY, studyUid, null, null, null, -1, null));
    }

    // ---------------------------------------------------------------- counts and empty parents

    private void countInstances(long seriesPk, long studyPk, int delta) throws SQLException {
        bind(addToSeries, delta, seriesPk);
        addToSeries.executeUpdate();
        bind(addToStudy, delta, 0, studyPk);
        addToStudy.executeUpdate();
    }

    private void removeSeriesIfEmpty(long seriesPk) throws SQLException {
        long studyPk;
        bind(seriesCounts, seriesPk);
        try (ResultSet rs = seriesCounts.executeQuery()) {
            if (!rs.next() || rs.getInt(1) > 0) return;
            studyPk = rs.getLong(2);
        }
        bind(deleteSeries, seriesPk);
        deleteSeries.executeUpdate();
        bind(addToStudy, 0, -1, studyPk);
        addToStudy.executeUpdate();
        refreshModalities(studyPk);
        removeStudyIfEmpty(studyPk);
    }

    private void removeStudyIfEmpty(long studyPk) throws SQLException {
        long patientPk;
        bind(studyCounts, studyPk);
        try (ResultSet rs = studyCounts.executeQuery()) {
            if (!rs.next() || rs.getInt(1) > 0) return;
            patientPk = rs.getLong(2);
        }
        bind(deleteStudy, studyPk);
        deleteStudy.executeUpdate();
        removePatientIfEmpty(patientPk);
    }

    private void removePatientIfEmpty(long patientPk) throws SQLException {
        bind(deletePatientIfEmpty, patientPk);
        deletePatientIfEmpty.executeUpdate();
    }

    private void refreshModalities(long studyPk) throws SQLException {
        bind(refreshModalities, studyPk);
        refreshModalities.executeUpdate();
    }

    // ---------------------------------------------------------------- JDBC helpers

    static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) ps.setObject(i + 1, values[i]);
    }

    static long returnedKey(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) throw new SQLException("no key returned");
            return rs.getLong(1);
        }
    }

    /** Whether the row's columns from {@code first} on hold {@code values} (skips rewriting unchanged rows). */
    private static boolean same(ResultSet rs, int first, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object have = rs.getObject(first + i), want = values[i];
            boolean eq = have instanceof byte[] h && want instanceof byte[] w ? Arrays.equals(h, w)
                    : have instanceof Number h && want instanceof Number w ? h.longValue() == w.longValue()
                    : Objects.equals(have, want);
            if (!eq) return false;
        }
        return true;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
