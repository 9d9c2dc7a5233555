package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.miroir.storage.StorageException;

/**
 * Creates and migrates the keyspace at start. Migrations are numbered and recorded in {@code schema_version}; each is
 * a list of idempotent statements ({@code IF NOT EXISTS}), so a start that dies half-way is finished by the next one.
 *
 * <p>Concurrent starts of several nodes are safe twice over. A lease row taken with a lightweight transaction lets one
 * node migrate while the others wait for the version to appear. And every table is created {@code WITH ID} set to a
 * UUID derived from its name: Cassandra 5.0 has no transactional schema, and two nodes creating the same table at once
 * without a fixed id could leave replicas disagreeing on the table's identity.
 */
final class Schema {
    /**
     * One numbered step of the schema: idempotent statements ({@code %s} is the keyspace), then an idempotent
     * {@code backfill} of what existing rows need in the new tables, then its version row.
     */
    record Migration(int version, String description, List<String> statements, Backfill backfill) {
        Migration(int version, String description, List<String> statements) {
            this(version, description, statements, (s, cfg) -> {});
        }
    }

    /** Fills new tables from existing rows; runs again in full if a start dies before the version row. */
    interface Backfill {
        void run(CqlSession s, CassandraSettings cfg);
    }

    private static final String COMPONENT = "metadata";
    private static final System.Logger LOG = System.getLogger(Schema.class.getName());

    private Schema() {}

    /** Tables of migration 1, by query shape; {@code %s} is the keyspace. */
    private static final List<String> V1 = List.of(
            // Patients by (issuer, id); iss/pid copy the key for SAI, name_folded (Matching.fold) for name look-ups.
            """
            CREATE TABLE IF NOT EXISTS %s.patient (issuer text, patient_id text, iss text, pid text, name text,
              name_folded text, birth_date text, sex text, attrs blob, PRIMARY KEY ((issuer, patient_id)))""",
            "CREATE INDEX IF NOT EXISTS patient_iss ON %s.patient (iss) USING 'sai'",
            "CREATE INDEX IF NOT EXISTS patient_pid ON %s.patient (pid) USING 'sai'",
            "CREATE INDEX IF NOT EXISTS patient_name ON %s.patient (name_folded) USING 'sai'",
            // The study row: its values and the patient it belongs to now.
            """
            CREATE TABLE IF NOT EXISTS %s.study (study_uid text PRIMARY KEY, issuer text, patient_id text,
              study_date text, study_time text, accession text, referring text, description text, study_id text,
              attrs blob)""",
            """
            CREATE TABLE IF NOT EXISTS %s.study_by_patient (issuer text, patient_id text, study_uid text,
              PRIMARY KEY ((issuer, patient_id), study_uid))""",
            // Studies by month: date_n is YYYYMMDD as an int, so a day range is a clustering slice.
            """
            CREATE TABLE IF NOT EXISTS %s.study_by_date (bucket int, date_n int, study_uid text,
              PRIMARY KEY ((bucket), date_n, study_uid))""",
            // Which months have studies (one small partition), so open date ranges visit only those.
            """
            CREATE TABLE IF NOT EXISTS %s.study_date_bucket (shard int, bucket int, PRIMARY KEY ((shard), bucket))""",
            """
            CREATE TABLE IF NOT EXISTS %s.study_by_accession (accession text, study_uid text,
              PRIMARY KEY ((accession), study_uid))""",
            // Series by study; SAI on the clustering column finds a series by UID alone.
            """
            CREATE TABLE IF NOT EXISTS %s.series (study_uid text, series_uid text, modality text, series_number int,
              description text, body_part text, pps_date text, pps_time text, attrs blob,
              PRIMARY KEY ((study_uid), series_uid))""",
            "CREATE INDEX IF NOT EXISTS series_uid ON %s.series (series_uid) USING 'sai'",
            // Instances by study and series without their headers: retrieve lists, counts, existence.
            """
            CREATE TABLE IF NOT EXISTS %s.instance_by_study (study_uid text, series_uid text, sop_uid text,
              sop_class text, instance_number int, ts_uid text, object_key text, size bigint, sha256 text,
              stored_at timestamp, PRIMARY KEY ((study_uid), series_uid, sop_uid))""",
            // The committed instance by SOP Instance UID, with its header and where it is indexed.
            """
            CREATE TABLE IF NOT EXISTS %s.instance (sop_uid text PRIMARY KEY, study_uid text, series_uid text,
              sop_class text, instance_number int, ts_uid text, object_key text, size bigint, sha256 text,
              stored_at timestamp, attrs blob)""",
            "CREATE TABLE IF NOT EXISTS %s.object_ref (object_key text PRIMARY KEY, sop_uid text)",
            // The duplicate arbiter: written only with lightweight transactions, one row per SOP Instance UID.
            """
            CREATE TABLE IF NOT EXISTS %s.instance_claim (sop_uid text PRIMARY KEY, state text, write_ts bigint,
              claimed_at timestamp, study_uid text, series_uid text, object_key text)""",
            // The replication journal: a fixed number of partitions, positions are time-based UUIDs.
            """
            CREATE TABLE IF NOT EXISTS %s.journal (partition int, position timeuuid, recorded_at timestamp, op text,
              study_uid text, series_uid text, sop_uid text, object_key text, size bigint, sha256 text,
              PRIMARY KEY ((partition), position))""");

    /** Migration 2: the cluster-wide configuration (AE registry, shared settings), a partition per section. */
    private static final List<String> V2 = List.of(
            """
            CREATE TABLE IF NOT EXISTS %s.config_entry (section text, key text, value text, updated_at timestamp,
              PRIMARY KEY ((section), key))""");

    /**
     * Migration 3 (step 6): patients set by the registry ({@code registered}) or merged into another (the surviving
     * patient's key in {@code merged_issuer}/{@code merged_pid}); journal entries about patients, worklist items and
     * performed steps; the worklist, with the active items (scheduled or started) also kept together in one
     * partition, since every modality query is about them and they are few; performed steps. Items and steps
     * change by compare-and-set on {@code write_ts}, the write timestamp of their last change.
     */
    private static final List<String> V3 = List.of(
            "ALTER TABLE %s.patient ADD IF NOT EXISTS registered boolean",
            "ALTER TABLE %s.patient ADD IF NOT EXISTS merged_issuer text",
            "ALTER TABLE %s.patient ADD IF NOT EXISTS merged_pid text",
            "ALTER TABLE %s.journal ADD IF NOT EXISTS patient_id text",
            "ALTER TABLE %s.journal ADD IF NOT EXISTS issuer text",
            "ALTER TABLE %s.journal ADD IF NOT EXISTS prior_patient_id text",
            "ALTER TABLE %s.journal ADD IF NOT EXISTS prior_issuer text",
            "ALTER TABLE %s.journal ADD IF NOT EXISTS item_id text",
            """
            CREATE TABLE IF NOT EXISTS %s.worklist_item (item_id text PRIMARY KEY, status text, patient_id text,
              issuer text, patient_name text, accession text, rp_id text, step_id text, station_aet text,
              modality text, start_date text, start_time text, study_uid text, pps_uid text, attrs blob,
              write_ts bigint)""",
            """
            CREATE TABLE IF NOT EXISTS %s.worklist_active (shard int, item_id text, status text, patient_id text,
              issuer text, patient_name text, accession text, rp_id text, step_id text, station_aet text,
              modality text, start_date text, start_time text, study_uid text, pps_uid text, attrs blob,
              PRIMARY KEY ((shard), item_id))""",
            """
            CREATE TABLE IF NOT EXISTS %s.performed_step (sop_uid text PRIMARY KEY, status text,
              item_ids list<text>, attrs blob, write_ts bigint)""");

    /** Migration 4: patients by the start of their folded name, for name wildcards ({@link NameIndex}). */
    private static final List<String> V4 = List.of(
            """
            CREATE TABLE IF NOT EXISTS %s.patient_by_name (prefix text, name_folded text, issuer text,
              patient_id text, PRIMARY KEY ((prefix), name_folded, issuer, patient_id))""");

    /** Indexes the names of the patients a keyspace of version 3 or less already holds. */
    private static void indexNames(CqlSession s, CassandraSettings cfg) {
        String ks = cfg.keyspace();
        var insert = s.prepare("INSERT INTO " + ks + ".patient_by_name (prefix, name_folded, issuer, patient_id) "
                + "VALUES (?, ?, ?, ?) USING TIMESTAMP ?");
        long n = 0;
        // Paged by the driver; the write timestamp is the patient row's, so a later rename's delete still wins.
        for (Row r : s.execute(SimpleStatement.newInstance("SELECT issuer, patient_id, name_folded, "
                + "writetime(name_folded) AS ts FROM " + ks + ".patient").setPageSize(1000)
                .setConsistencyLevel(cfg.readConsistency()))) {
            String prefix = NameIndex.prefix(r.getString("name_folded"));
            if (prefix == null) continue;
            s.execute(insert.bind(prefix, r.getString("name_folded"), r.getString("issuer"),
                    r.getString("patient_id"), r.getLong("ts")).setConsistencyLevel(cfg.writeConsistency()));
            n++;
        }
        LOG.log(Level.INFO, "keyspace {0}: indexed the names of {1} patients", ks, n);
    }

    /** Every migration in order; a keyspace is at the highest version recorded in its {@code schema_version}. */
    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "patients, studies, series, instances, claims, journal", V1),
            new Migration(2, "cluster-wide configuration entries", V2),
            new Migration(3, "registered and merged patients, worklist, performed steps", V3),
            new Migration(4, "patients by the start of their name", V4, Schema::indexNames));
    /** The schema version this code reads and writes. */
    static final int VERSION = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

    /**
     * Applies the migrations the keyspace lacks, in order, up to the last of {@code migrations} (tests give a prefix,
     * or more, of the real list); returns the journal partition count fixed for this keyspace.
     */
    static int migrate(CqlSession s, CassandraSettings cfg, List<Migration> migrations) {
        int latest = migrations.get(migrations.size() - 1).version();
        String ks = cfg.keyspace();
        ddl(s, cfg, "CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = " + cfg.replication());
        ddl(s, cfg, withId(ks, "schema_version", "CREATE TABLE IF NOT EXISTS %s.schema_version (component text, "
                + "version int, description text, applied_at timestamp, PRIMARY KEY ((component), version))"));
        ddl(s, cfg, withId(ks, "schema_lock", "CREATE TABLE IF NOT EXISTS %s.schema_lock (name text PRIMARY KEY, "
                + "owner text, acquired_at timestamp)"));
        ddl(s, cfg, withId(ks, "settings", "CREATE TABLE IF NOT EXISTS %s.settings (name text PRIMARY KEY, "
                + "value text)"));

        long deadline = System.nanoTime() + cfg.schemaTimeout().toNanos();
        String owner = UUID.randomUUID().toString();
        while (applied(s, cfg).last() < latest) {
            if (lock(s, cfg, owner)) {
                try {
                    TreeSet<Integer> done = applied(s, cfg);
                    for (Migration m : migrations) if (!done.contains(m.version())) apply(s, cfg, m);
                } finally {
                    s.execute(SimpleStatement.newInstance("DELETE FROM " + ks + ".schema_lock WHERE name = "
                            + "'migrate' IF owner = ?", owner).setSerialConsistencyLevel(cfg.serialConsistency())
                            .setConsistencyLevel(cfg.writeConsistency()));
                }
            } else {
                if (System.nanoTime() > deadline)
                    throw new StorageException("schema migration of keyspace " + ks + " held by another node for "
                            + cfg.schemaTimeout().toSeconds() + " s");
                sleep(500);
            }
        }
        if (applied(s, cfg).last() > latest)
            throw new StorageException("keyspace " + ks + " has schema version " + applied(s, cfg).last()
                    + ", newer than this node's " + latest + ": upgrade the node");
        return journalPartitions(s, cfg);
    }

    private static void apply(CqlSession s, CassandraSettings cfg, Migration m) {
        String ks = cfg.keyspace();
        for (String stmt : m.statements()) {
            String table = tableOf(stmt);
            ddl(s, cfg, table == null ? String.format(stmt, ks) : withId(ks, table, stmt));
        }
        m.backfill().run(s, cfg);
        s.execute(SimpleStatement.newInstance("INSERT INTO " + ks + ".schema_version (component, version, "
                + "description, applied_at) VALUES (?, ?, ?, ?)", COMPONENT, m.version(), m.description(), Instant.now())
                .setConsistencyLevel(cfg.writeConsistency()));
        LOG.log(Level.INFO, "keyspace {0}: applied schema migration {1} ({2})", ks, m.version(), m.description());
    }

    private static TreeSet<Integer> applied(CqlSession s, CassandraSettings cfg) {
        TreeSet<Integer> out = new TreeSet<>();
        out.add(0);
        for (Row r : s.execute(SimpleStatement.newInstance("SELECT version FROM " + cfg.keyspace()
                + ".schema_version WHERE component = ?", COMPONENT).setConsistencyLevel(cfg.readConsistency())))
            out.add(r.getInt(0));
        return out;
    }

    /** The migration lease: a row that expires by itself if its holder dies. */
    private static boolean lock(CqlSession s, CassandraSettings cfg, String owner) {
        ResultSet rs = s.execute(SimpleStatement.newInstance("INSERT INTO " + cfg.keyspace() + ".schema_lock (name, "
                + "owner, acquired_at) VALUES ('migrate', ?, ?) IF NOT EXISTS USING TTL "
                + Math.max(60, cfg.schemaTimeout().toSeconds()), owner, Instant.now())
                .setSerialConsistencyLevel(cfg.serialConsistency()).setConsistencyLevel(cfg.writeConsistency()));
        return rs.wasApplied();
    }

    /** The journal partition count is fixed by the first node that opens the keyspace; later settings are ignored. */
    private static int journalPartitions(CqlSession s, CassandraSettings cfg) {
        ResultSet rs = s.execute(SimpleStatement.newInstance("INSERT INTO " + cfg.keyspace() + ".settings (name, "
                + "value) VALUES ('journal-partitions', ?) IF NOT EXISTS", Integer.toString(cfg.journalPartitions()))
                .setSerialConsistencyLevel(cfg.serialConsistency()).setConsistencyLevel(cfg.writeConsistency()));
        if (rs.wasApplied()) return cfg.journalPartitions();
        int stored = Integer.parseInt(rs.one().getString("value"));
        if (stored != cfg.journalPartitions())
            LOG.log(Level.WARNING, "keyspace {0} keeps its {1} journal partitions; the setting {2} is ignored",
                    cfg.keyspace(), stored, cfg.journalPartitions());
        return stored;
    }

    private static void ddl(CqlSession s, CassandraSettings cfg, String cql) {
        s.execute(SimpleStatement.newInstance(cql).setExecutionProfileName(Driver.DDL_PROFILE));
    }

    /** Adds a stable table id derived from keyspace and table name, see the class comment. */
    private static String withId(String ks, String table, String createTable) {
        UUID id = UUID.nameUUIDFromBytes((ks + "." + table).getBytes(StandardCharsets.UTF_8));
        return String.format(createTable, ks) + " WITH ID = " + id;
    }

    private static String tableOf(String stmt) {
        String prefix = "CREATE TABLE IF NOT EXISTS %s.";
        if (!stmt.startsWith(prefix)) return null;
        int end = stmt.indexOf(' ', prefix.length());
        return stmt.substring(prefix.length(), end);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted during schema migration", e);
        }
    }
}
