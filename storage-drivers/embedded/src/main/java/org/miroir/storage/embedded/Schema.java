package org.miroir.storage.embedded;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The index schema. Absent Patient ID and Issuer are stored as '' (so the unique key works); other absent values are
 * NULL. {@code *_fold} columns hold case-folded names for case-insensitive matching, {@code *_n} columns the
 * {@link org.miroir.storage.query.DateTimes} normal form of dates and times for ranges. Counts and Modalities in Study
 * are maintained by the writer so study-level queries read one row per study.
 */
final class Schema {
    /** One numbered step of the schema: its statements run in one transaction that also records its version. */
    record Migration(int version, String description, List<String> statements) {}

    private static final List<String> V1 = List.of(
        """
        CREATE TABLE patient (
          pk INTEGER PRIMARY KEY,
          patient_id TEXT NOT NULL,
          issuer TEXT NOT NULL,
          name TEXT, name_fold TEXT,
          birth_date TEXT, birth_date_n TEXT,
          sex TEXT,
          attrs BLOB,
          UNIQUE (patient_id, issuer))""",
        "CREATE INDEX patient_name ON patient (name)",
        "CREATE INDEX patient_name_fold ON patient (name_fold)",
        "CREATE INDEX patient_birth_date ON patient (birth_date_n)",
        """
        CREATE TABLE study (
          pk INTEGER PRIMARY KEY,
          patient_fk INTEGER NOT NULL,
          study_uid TEXT NOT NULL UNIQUE,
          study_date TEXT, study_date_n TEXT,
          study_time TEXT, study_time_n TEXT,
          accession TEXT,
          referring TEXT, referring_fold TEXT,
          description TEXT,
          study_id TEXT,
          modalities TEXT,
          num_series INTEGER NOT NULL DEFAULT 0,
          num_instances INTEGER NOT NULL DEFAULT 0,
          attrs BLOB)""",
        "CREATE INDEX study_patient ON study (patient_fk)",
        "CREATE INDEX study_date ON study (study_date_n, study_time_n)",
        "CREATE INDEX study_accession ON study (accession)",
        "CREATE INDEX study_referring_fold ON study (referring_fold)",
        """
        CREATE TABLE series (
          pk INTEGER PRIMARY KEY,
          study_fk INTEGER NOT NULL,
          series_uid TEXT NOT NULL,
          modality TEXT,
          series_number INTEGER,
          description TEXT,
          body_part TEXT,
          pps_date TEXT, pps_date_n TEXT,
          pps_time TEXT, pps_time_n TEXT,
          num_instances INTEGER NOT NULL DEFAULT 0,
          attrs BLOB,
          UNIQUE (study_fk, series_uid))""",
        "CREATE INDEX series_uid ON series (series_uid)",
        "CREATE INDEX series_modality ON series (modality, study_fk)",
        """
        CREATE TABLE instance (
          pk INTEGER PRIMARY KEY,
          series_fk INTEGER NOT NULL,
          sop_uid TEXT NOT NULL UNIQUE,
          sop_class TEXT NOT NULL,
          instance_number INTEGER,
          transfer_syntax TEXT NOT NULL,
          object_key TEXT NOT NULL,
          size INTEGER NOT NULL,
          sha256 TEXT NOT NULL,
          stored_at INTEGER NOT NULL,
          attrs BLOB)""",
        "CREATE INDEX instance_series ON instance (series_fk)",
        "CREATE INDEX instance_object_key ON instance (object_key)",
        // AUTOINCREMENT: positions are never reused, even after the journal was trimmed empty.
        """
        CREATE TABLE journal (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          recorded_at INTEGER NOT NULL,
          op TEXT NOT NULL,
          study_uid TEXT NOT NULL,
          series_uid TEXT,
          sop_uid TEXT,
          object_key TEXT,
          size INTEGER,
          sha256 TEXT)""");

    /** The cluster-wide configuration: AE registry, shared settings. */
    private static final List<String> V2 = List.of(
        """
        CREATE TABLE config_entry (
          section TEXT NOT NULL,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (section, key))""");

    /**
     * Migration 3 (step 6): patients set by the registry ({@code registered}) and merged ones ({@code merged_into},
     * the surviving patient's key); the worklist and performed steps; a journal whose entries need not be of a study
     * (SQLite cannot drop a NOT NULL, so the table is rebuilt, keeping its positions and AUTOINCREMENT counter).
     */
    private static final List<String> V3 = List.of(
        "ALTER TABLE patient ADD COLUMN registered INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE patient ADD COLUMN merged_into INTEGER",
        "CREATE INDEX patient_merged_into ON patient (merged_into)",
        """
        CREATE TABLE worklist_item (
          pk INTEGER PRIMARY KEY,
          item_id TEXT NOT NULL UNIQUE,
          status TEXT NOT NULL,
          patient_id TEXT, issuer TEXT,
          patient_name TEXT, patient_name_fold TEXT,
          accession TEXT,
          requested_procedure_id TEXT,
          step_id TEXT,
          station_aet TEXT,
          modality TEXT,
          start_date TEXT, start_date_n TEXT,
          start_time TEXT, start_time_n TEXT,
          study_uid TEXT,
          performed_step_uid TEXT,
          attrs BLOB)""",
        "CREATE INDEX worklist_start ON worklist_item (start_date_n, start_time_n)",
        "CREATE INDEX worklist_station ON worklist_item (station_aet)",
        "CREATE INDEX worklist_accession ON worklist_item (accession)",
        "CREATE INDEX worklist_patient ON worklist_item (patient_id)",
        "CREATE INDEX worklist_study ON worklist_item (study_uid)",
        """
        CREATE TABLE performed_step (
          sop_uid TEXT PRIMARY KEY,
          status TEXT NOT NULL,
          item_ids TEXT,
          attrs BLOB)""",
        """
        CREATE TABLE journal_v2 (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          recorded_at INTEGER NOT NULL,
          op TEXT NOT NULL,
          study_uid TEXT,
          series_uid TEXT,
          sop_uid TEXT,
          object_key TEXT,
          size INTEGER,
          sha256 TEXT,
          patient_id TEXT, issuer TEXT,
          prior_patient_id TEXT, prior_issuer TEXT,
          item_id TEXT)""",
        """
        INSERT INTO journal_v2 (seq, recorded_at, op, study_uid, series_uid, sop_uid, object_key, size, sha256)
          SELECT seq, recorded_at, op, study_uid, series_uid, sop_uid, object_key, size, sha256 FROM journal""",
        // A journal trimmed empty still remembers its last position in sqlite_sequence: carry it over (the copy
        // may have left a row for journal_v2 there, or none).
        """
        UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'journal')
          WHERE name = 'journal_v2' AND seq < (SELECT seq FROM sqlite_sequence WHERE name = 'journal')""",
        """
        INSERT INTO sqlite_sequence (name, seq)
          SELECT 'journal_v2', seq FROM sqlite_sequence WHERE name = 'journal'
            AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'journal_v2')""",
        "DROP TABLE journal",
        "ALTER TABLE journal_v2 RENAME TO journal");

    /** Every migration in order; an index is at the version of the last one applied ({@code PRAGMA user_version}). */
    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "patients, studies, series, instances, journal", V1),
            new Migration(2, "cluster-wide configuration entries", V2),
            new Migration(3, "patient registry and merges, worklist, performed steps, journal of any change", V3));
    /** The schema version this code reads and writes. */
    static final int VERSION = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

    private Schema() {}

    /**
     * Brings the index to the last of {@code migrations}: an empty database gets all of them, an older index the ones
     * it lacks, in order, each in a transaction of its own (a crash leaves it at the last one committed); a newer
     * index is refused.
     */
    static void apply(Connection c, List<Migration> migrations) throws SQLException {
        int latest = migrations.get(migrations.size() - 1).version();
        try (Statement s = c.createStatement()) {
            int version;
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            if (version > latest)
                throw new SQLException("index schema version " + version + " is newer than this driver's " + latest);
            for (Migration m : migrations) {
                if (m.version() <= version) continue;
                s.execute("BEGIN IMMEDIATE");
                try {
                    for (String ddl : m.statements()) s.execute(ddl);
                    s.execute("PRAGMA user_version = " + m.version());
                    s.execute("COMMIT");
                } catch (SQLException e) {
                    s.execute("ROLLBACK");
                    throw e;
                }
            }
        }
    }
}
