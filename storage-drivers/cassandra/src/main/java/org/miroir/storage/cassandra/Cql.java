package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;

/** Every statement the store runs, prepared once at open. */
final class Cql {
    private final CqlSession session;
    private final String ks;

    // ---------------------------------------------------------------- the store path
    final PreparedStatement claimInsert, claimCas, claimRead;
    final PreparedStatement patientUpsert, studyUpsert, studyByPatientInsert, studyByPatientDelete;
    final PreparedStatement studyByDateInsert, studyByDateDelete, bucketInsert;
    final PreparedStatement studyByAccessionInsert, studyByAccessionDelete;
    final PreparedStatement seriesUpsert, memberInsert, memberDelete, instanceUpsert, instanceDelete;
    final PreparedStatement objectRefInsert, objectRefDelete, journalInsert, nameInsert, nameDelete;

    // ---------------------------------------------------------------- patients from the registry
    final PreparedStatement patientRegister, patientMerged, studyMove;

    // ---------------------------------------------------------------- worklist and performed steps
    final PreparedStatement itemRead, itemCreate, itemCas, activeUpsert, activeDelete, activeFrom, itemsFrom;
    final PreparedStatement stepRead, stepCreate, stepCas;

    // ---------------------------------------------------------------- deletes
    final PreparedStatement membersDeleteOfSeries, membersDeleteOfStudy, seriesDelete, seriesDeleteOfStudy;
    final PreparedStatement studyDelete;

    // ---------------------------------------------------------------- reads
    final PreparedStatement patientByKey, patientsByPid, patientsByIssuer, patientsByName, patientsAll;
    final PreparedStatement namesInSlice;
    final PreparedStatement patientHasStudy, studiesOfPatient, studiesByAccession, bucketsInRange, studiesByDate;
    final PreparedStatement studiesAll, studyRow, seriesOfStudy, seriesRow, seriesByUid;
    final PreparedStatement membersOfStudy, membersOfSeries, memberRow, memberCounts, memberCountOfSeries;
    final PreparedStatement instanceRow, objectRef, journalFrom, journalAfter, journalTrim, health;

    Cql(CqlSession session, String keyspace) {
        this.session = session;
        this.ks = keyspace;
        claimInsert = prepare("INSERT INTO %s.instance_claim (sop_uid, state, write_ts, claimed_at, study_uid, "
                + "series_uid, object_key) VALUES (?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS");
        claimCas = prepare("UPDATE %s.instance_claim SET state = ?, write_ts = ?, claimed_at = ?, study_uid = ?, "
                + "series_uid = ?, object_key = ? WHERE sop_uid = ? IF write_ts = ?");
        claimRead = prepare("SELECT state, write_ts, claimed_at, study_uid, series_uid, object_key "
                + "FROM %s.instance_claim WHERE sop_uid = ?");

        patientUpsert = prepare("INSERT INTO %s.patient (issuer, patient_id, iss, pid, name, name_folded, "
                + "birth_date, sex, attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
        studyUpsert = prepare("INSERT INTO %s.study (study_uid, issuer, patient_id, study_date, study_time, "
                + "accession, referring, description, study_id, attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "USING TIMESTAMP ?");
        studyByPatientInsert = prepare("INSERT INTO %s.study_by_patient (issuer, patient_id, study_uid) "
                + "VALUES (?, ?, ?) USING TIMESTAMP ?");
        studyByPatientDelete = prepare("DELETE FROM %s.study_by_patient USING TIMESTAMP ? WHERE issuer = ? AND "
                + "patient_id = ? AND study_uid = ?");
        studyByDateInsert = prepare("INSERT INTO %s.study_by_date (bucket, date_n, study_uid) VALUES (?, ?, ?) "
                + "USING TIMESTAMP ?");
        studyByDateDelete = prepare("DELETE FROM %s.study_by_date USING TIMESTAMP ? WHERE bucket = ? AND "
                + "date_n = ? AND study_uid = ?");
        bucketInsert = prepare("INSERT INTO %s.study_date_bucket (shard, bucket) VALUES (0, ?)");
        studyByAccessionInsert = prepare("INSERT INTO %s.study_by_accession (accession, study_uid) VALUES (?, ?) "
                + "USING TIMESTAMP ?");
        studyByAccessionDelete = prepare("DELETE FROM %s.study_by_accession USING TIMESTAMP ? WHERE accession = ? "
                + "AND study_uid = ?");
        seriesUpsert = prepare("INSERT INTO %s.series (study_uid, series_uid, modality, series_number, "
                + "description, body_part, pps_date, pps_time, attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "USING TIMESTAMP ?");
        memberInsert = prepare("INSERT INTO %s.instance_by_study (study_uid, series_uid, sop_uid, sop_class, "
                + "instance_number, ts_uid, object_key, size, sha256, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "USING TIMESTAMP ?");
        memberDelete = prepare("DELETE FROM %s.instance_by_study USING TIMESTAMP ? WHERE study_uid = ? AND "
                + "series_uid = ? AND sop_uid = ?");
        instanceUpsert = prepare("INSERT INTO %s.instance (sop_uid, study_uid, series_uid, sop_class, "
                + "instance_number, ts_uid, object_key, size, sha256, stored_at, attrs) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
        instanceDelete = prepare("DELETE FROM %s.instance USING TIMESTAMP ? WHERE sop_uid = ?");
        objectRefInsert = prepare("INSERT INTO %s.object_ref (object_key, sop_uid) VALUES (?, ?) USING TIMESTAMP ?");
        objectRefDelete = prepare("DELETE FROM %s.object_ref USING TIMESTAMP ? WHERE object_key = ?");
        journalInsert = prepare("INSERT INTO %s.journal (partition, position, recorded_at, op, study_uid, "
                + "series_uid, sop_uid, object_key, size, sha256, patient_id, issuer, prior_patient_id, "
                + "prior_issuer, item_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");

        nameInsert = prepare("INSERT INTO %s.patient_by_name (prefix, name_folded, issuer, patient_id) "
                + "VALUES (?, ?, ?, ?) USING TIMESTAMP ?");
        nameDelete = prepare("DELETE FROM %s.patient_by_name USING TIMESTAMP ? WHERE prefix = ? AND name_folded = ? "
                + "AND issuer = ? AND patient_id = ?");

        patientRegister = prepare("INSERT INTO %s.patient (issuer, patient_id, iss, pid, name, name_folded, "
                + "birth_date, sex, attrs, registered, merged_issuer, merged_pid) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, true, null, null) USING TIMESTAMP ?");
        patientMerged = prepare("INSERT INTO %s.patient (issuer, patient_id, iss, pid, registered, merged_issuer, "
                + "merged_pid) VALUES (?, ?, ?, ?, false, ?, ?) USING TIMESTAMP ?");
        studyMove = prepare("UPDATE %s.study USING TIMESTAMP ? SET issuer = ?, patient_id = ? WHERE study_uid = ?");

        String item = "status, patient_id, issuer, patient_name, accession, rp_id, step_id, station_aet, modality, "
                + "start_date, start_time, study_uid, pps_uid, attrs";
        itemRead = prepare("SELECT * FROM %s.worklist_item WHERE item_id = ?");
        itemCreate = prepare("INSERT INTO %s.worklist_item (item_id, " + item + ", write_ts) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS");
        itemCas = prepare("UPDATE %s.worklist_item SET status = ?, patient_id = ?, issuer = ?, patient_name = ?, "
                + "accession = ?, rp_id = ?, step_id = ?, station_aet = ?, modality = ?, start_date = ?, "
                + "start_time = ?, study_uid = ?, pps_uid = ?, attrs = ?, write_ts = ? WHERE item_id = ? "
                + "IF write_ts = ?");
        activeUpsert = prepare("INSERT INTO %s.worklist_active (shard, item_id, " + item + ") "
                + "VALUES (0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
        activeDelete = prepare("DELETE FROM %s.worklist_active USING TIMESTAMP ? WHERE shard = 0 AND item_id = ?");
        activeFrom = prepare("SELECT * FROM %s.worklist_active WHERE shard = 0 AND item_id > ?");
        itemsFrom = prepare("SELECT token(item_id) AS t, item_id, " + item + " FROM %s.worklist_item "
                + "WHERE token(item_id) > ?");
        stepRead = prepare("SELECT * FROM %s.performed_step WHERE sop_uid = ?");
        stepCreate = prepare("INSERT INTO %s.performed_step (sop_uid, status, item_ids, attrs, write_ts) "
                + "VALUES (?, ?, ?, ?, ?) IF NOT EXISTS");
        stepCas = prepare("UPDATE %s.performed_step SET status = ?, attrs = ?, write_ts = ? WHERE sop_uid = ? "
                + "IF write_ts = ?");

        membersDeleteOfSeries = prepare("DELETE FROM %s.instance_by_study USING TIMESTAMP ? WHERE study_uid = ? "
                + "AND series_uid = ?");
        membersDeleteOfStudy = prepare("DELETE FROM %s.instance_by_study USING TIMESTAMP ? WHERE study_uid = ?");
        seriesDelete = prepare("DELETE FROM %s.series USING TIMESTAMP ? WHERE study_uid = ? AND series_uid = ?");
        seriesDeleteOfStudy = prepare("DELETE FROM %s.series USING TIMESTAMP ? WHERE study_uid = ?");
        studyDelete = prepare("DELETE FROM %s.study USING TIMESTAMP ? WHERE study_uid = ?");

        patientByKey = prepare("SELECT * FROM %s.patient WHERE issuer = ? AND patient_id = ?");
        patientsByPid = prepare("SELECT * FROM %s.patient WHERE pid = ?");
        patientsByIssuer = prepare("SELECT * FROM %s.patient WHERE iss = ?");
        patientsByName = prepare("SELECT * FROM %s.patient WHERE name_folded = ?");
        patientsAll = prepare("SELECT * FROM %s.patient");
        namesInSlice = prepare("SELECT issuer, patient_id FROM %s.patient_by_name WHERE prefix = ? AND "
                + "name_folded >= ? AND name_folded < ?");
        patientHasStudy = prepare("SELECT study_uid FROM %s.study_by_patient WHERE issuer = ? AND patient_id = ? "
                + "LIMIT 1");
        studiesOfPatient = prepare("SELECT study_uid FROM %s.study_by_patient WHERE issuer = ? AND patient_id = ?");
        studiesByAccession = prepare("SELECT study_uid FROM %s.study_by_accession WHERE accession = ?");
        bucketsInRange = prepare("SELECT bucket FROM %s.study_date_bucket WHERE shard = 0 AND bucket >= ? AND "
                + "bucket <= ?");
        studiesByDate = prepare("SELECT study_uid FROM %s.study_by_date WHERE bucket = ? AND date_n >= ? AND "
                + "date_n <= ?");
        studiesAll = prepare("SELECT study_uid FROM %s.study");
        studyRow = prepare("SELECT * FROM %s.study WHERE study_uid = ?");
        seriesOfStudy = prepare("SELECT * FROM %s.series WHERE study_uid = ?");
        seriesRow = prepare("SELECT * FROM %s.series WHERE study_uid = ? AND series_uid = ?");
        seriesByUid = prepare("SELECT * FROM %s.series WHERE series_uid = ?");
        membersOfStudy = prepare("SELECT * FROM %s.instance_by_study WHERE study_uid = ?");
        membersOfSeries = prepare("SELECT * FROM %s.instance_by_study WHERE study_uid = ? AND series_uid = ?");
        memberRow = prepare("SELECT * FROM %s.instance_by_study WHERE study_uid = ? AND series_uid = ? AND "
                + "sop_uid = ?");
        memberCounts = prepare("SELECT series_uid, count(*) AS n FROM %s.instance_by_study WHERE study_uid = ? "
                + "GROUP BY series_uid");
        memberCountOfSeries = prepare("SELECT count(*) AS n FROM %s.instance_by_study WHERE study_uid = ? AND "
                + "series_uid = ?");
        instanceRow = prepare("SELECT * FROM %s.instance WHERE sop_uid = ?");
        objectRef = prepare("SELECT sop_uid FROM %s.object_ref WHERE object_key = ?");
        journalFrom = prepare("SELECT * FROM %s.journal WHERE partition = ? LIMIT ?");
        journalAfter = prepare("SELECT * FROM %s.journal WHERE partition = ? AND position > ? LIMIT ?");
        journalTrim = prepare("DELETE FROM %s.journal USING TIMESTAMP ? WHERE partition = ? AND position <= ?");
        health = prepare("SELECT version FROM %s.schema_version WHERE component = 'metadata' LIMIT 1");
    }

    private PreparedStatement prepare(String cql) {
        return session.prepare(SimpleStatement.newInstance(String.format(cql, ks)));
    }

    /** A read: idempotent, read consistency, may be speculated. */
    static BoundStatement read(PreparedStatement p, Object... values) {
        return p.bind(values).setExecutionProfileName(Driver.READ_PROFILE);
    }
}
