package org.miroir.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;
import org.miroir.storage.query.QueryLevel;
import org.miroir.storage.testkit.TestData;

/** What the contract cannot see: files on disk, restarts, query plans, back-pressure. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedIndexTest {
    @TempDir
    Path dir;

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS);
    }

    /**
     * An index of schema version 1 (step 2) opens at the current version: its journal keeps its entries and positions, and new
     * positions follow the last one ever written, also when the journal had been trimmed empty.
     */
    @Test
    void migratesAVersion1IndexKeepingJournalPositions() throws Exception {
        for (int kept : new int[] {1, 0}) {
            Path db = dir.resolve("v1-" + kept);
            java.nio.file.Files.createDirectories(db);
            try (Connection c = Sqlite.openWriter(db.resolve("index.db")); Statement st = c.createStatement()) {
                Schema.apply(c, Schema.MIGRATIONS.subList(0, 1));
                for (int i = 0; i < 3; i++)
                    st.execute("INSERT INTO journal (recorded_at, op, study_uid, series_uid, sop_uid, object_key, "
                            + "size, sha256) VALUES (1, 'DELETE_STUDY', '1.2." + i + "', NULL, NULL, NULL, NULL, NULL)");
                st.execute("DELETE FROM journal WHERE seq <= " + (3 - kept));
                assertThat(scalar(st, "PRAGMA user_version")).isEqualTo("1");
            }
            try (SqliteMetadataStore s = SqliteMetadataStore.open(db, SqliteMetadataStore.Settings.DEFAULTS)) {
                var left = get(s.readJournal(0, null, 10).toCompletableFuture());
                assertThat(left).extracting(e -> e.position()).containsExactly(kept == 1 ? new String[] {"3"}
                        : new String[0]);
                TestData d = new TestData();
                String next = get(s.updatePatient(d.patient("MIG", "Mi^Grated", null, null)).toCompletableFuture());
                assertThat(next).isEqualTo("4");
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.resolve("index.db"));
                    Statement st = c.createStatement()) {
                assertThat(scalar(st, "PRAGMA user_version")).isEqualTo(String.valueOf(Schema.VERSION));
                assertThat(scalar(st, "SELECT count(*) FROM sqlite_master WHERE name IN ('worklist_item', "
                        + "'performed_step', 'journal_v2')")).isEqualTo("2");
            }
        }
    }

    @Test
    void survivesReopenAndNeverReusesJournalPositions() throws Exception {
        TestData d = new TestData();
        PatientRecord p = d.patient("RE-1", "Re^Open", null, null);
        String last;
        try (SqliteMetadataStore s = SqliteMetadataStore.open(dir, SqliteMetadataStore.Settings.DEFAULTS)) {
            for (int i = 0; i < 3; i++) get(s.store(d.request(p, "20200101", "R" + i), DuplicatePolicy.REJECT)
                    .toCompletableFuture());
            last = get(s.store(d.request(p, "20200102", "R3"), DuplicatePolicy.REJECT).toCompletableFuture())
                    .journalPosition();
            get(s.trimJournal(0, last).toCompletableFuture());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("index.db"));
                Statement st = c.createStatement()) {
            assertThat(scalar(st, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(scalar(st, "PRAGMA user_version")).isEqualTo(String.valueOf(Schema.VERSION));
        }
        try (SqliteMetadataStore s = SqliteMetadataStore.open(dir, SqliteMetadataStore.Settings.DEFAULTS)) {
            Query q = Query.builder().where(QueryKey.PATIENT_ID, "RE-1").build();
            assertThat(get(s.findStudies(q).toCompletableFuture()).items()).hasSize(4);
            assertThat(get(s.readJournal(0, null, 10).toCompletableFuture())).isEmpty();
            String next = get(s.store(d.request(p, "20200103", "R4"), DuplicatePolicy.REJECT).toCompletableFuture())
                    .journalPosition();
            assertThat(Long.parseLong(next)).isGreaterThan(Long.parseLong(last));
        }
    }

    private static String scalar(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Study-level C-FIND/QIDO must search an index, never walk the study table. */
    @Test
    void studyQueriesSearchIndexes() throws Exception {
        TestData d = new TestData();
        String[] names = {"SMITH^JOHN", "Doe^Jane", "Müller^Jörg", "Brown^Bob"};
        String[] modalities = {"CT", "MR", "US", "CR", "DX"};
        LocalDate day0 = LocalDate.of(2015, 1, 1);
        try (SqliteMetadataStore s = SqliteMetadataStore.open(dir, SqliteMetadataStore.Settings.DEFAULTS)) {
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < 4000; i++) {
                PatientRecord p = d.patient("IX-" + (i % 800), names[i % 4] + i % 800, "19700101", "F");
                StudyRecord st = d.study(p, day0.plusDays(i % 3000).format(DateTimeFormatter.BASIC_ISO_DATE),
                        "101010", "ACC" + i, "Ref^" + (i % 50), "DESC", "1");
                SeriesRecord se = d.series(st, modalities[i % 5], 1, null, null, null, null);
                pending.add(s.store(new StoreRequest(st, se, d.instance(se, TestData.CT_IMAGE, 1)),
                        DuplicatePolicy.REJECT).toCompletableFuture());
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }
        List<Query> queries = List.of(
                Query.builder().where(QueryKey.PATIENT_ID, "IX-17").build(),
                Query.builder().where(QueryKey.STUDY_DATE, "20160101-20160131").build(),
                Query.builder().where(QueryKey.STUDY_DATE, "20160105").build(),
                Query.builder().where(QueryKey.ACCESSION_NUMBER, "ACC1234").build(),
                Query.builder().where(QueryKey.PATIENT_NAME, "smith^john12*").caseInsensitiveNames(true).build(),
                Query.builder().where(QueryKey.PATIENT_NAME, "Doe^Jane1*").build(),
                Query.builder().where(QueryKey.STUDY_DATE, "20160101-20160131").where(QueryKey.MODALITIES_IN_STUDY,
                        "CT").build(),
                Query.builder().where(QueryKey.STUDY_INSTANCE_UID, d.uid() + "\\" + d.uid()).build(),
                Query.builder().where(QueryKey.REFERRING_PHYSICIAN_NAME, "ref^4").caseInsensitiveNames(true)
                        .build());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("index.db"))) {
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE");
            }
            for (Query q : queries) {
                QuerySql.Sql sql = QuerySql.select(QueryLevel.STUDY, q, false, 0, 0, 101);
                String plan = plan(c, sql);
                assertThat(plan).as("plan of %s", q.matches()).contains("USING").doesNotContain("SCAN st")
                        .doesNotContain("SCAN p").doesNotContain("st USING INTEGER PRIMARY KEY (rowid>?)");
            }
        }
    }

    private static String plan(Connection c, QuerySql.Sql sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql.text())) {
            IndexWrites.bind(ps, sql.params().toArray());
            StringBuilder b = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) b.append(rs.getString(4)).append('\n');
            }
            return b.toString();
        }
    }

    @Test
    void aFullWriteQueueFailsFastAndLosesNothingQueued() throws Exception {
        try (Connection c = Sqlite.openWriter(dir.resolve("q.db"))) {
            GroupCommitWriter w = new GroupCommitWriter(c, 2, 1, () -> {});
            CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
            CompletableFuture<String> blocking = w.submit(conn -> {
                started.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "first";
            });
            assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> queued1 = w.submit(conn -> "second");
            CompletableFuture<String> queued2 = w.submit(conn -> "third");
            CompletableFuture<String> rejected = w.submit(conn -> "fourth");
            assertThat(rejected).isCompletedExceptionally();
            assertThatCause(rejected).isInstanceOf(StorageException.class).hasMessageContaining("full");
            release.countDown();
            assertThat(List.of(get(blocking), get(queued1), get(queued2))).containsExactly("first", "second", "third");
            w.close();
            CompletableFuture<String> afterClose = w.submit(conn -> "late");
            assertThatCause(afterClose).hasMessageContaining("closed");
        }
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertThatCause(
            CompletableFuture<?> f) {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertThat(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("future succeeded");
    }
}
