package org.miroir.storage.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;
import org.miroir.storage.testkit.TestData;

/**
 * Not a test: measures index ingest (instances/s with group commit, fsync on) and study-level query latency.
 * Args: instances [in-flight [dir]]. 100 instances per study (4 series of 25), one patient per study.
 */
public final class IngestRate {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("miroir-ingest");
        TestData d = new TestData();
        String[] names = {"SMITH^JOHN", "DOE^JANE", "MÜLLER^JÖRG", "BROWN^BOB", "GARCIA^ANA"};
        String[] modalities = {"CT", "MR", "US", "CR"};
        LocalDate day0 = LocalDate.of(2010, 1, 1);
        try (SqliteMetadataStore s = SqliteMetadataStore.open(dir, SqliteMetadataStore.Settings.DEFAULTS)) {
            Semaphore permits = new Semaphore(inFlight);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long t0 = System.nanoTime(), tick = t0;
            StudyRecord study = null;
            SeriesRecord series = null;
            for (int i = 0; i < n; i++) {
                int st = i / 100;
                if (i % 100 == 0) {
                    PatientRecord p = d.patient("PID" + st, names[st % 5] + st, "19700101", "F");
                    study = d.study(p, day0.plusDays(st % 5000).format(DateTimeFormatter.BASIC_ISO_DATE), "120000",
                            "ACC" + st, "REF^" + (st % 300), "STUDY " + st, "1");
                }
                if (i % 25 == 0) series = d.series(study, modalities[(i / 25) % 4], (i / 25) % 4, null, null, null,
                        null);
                permits.acquire();
                s.store(new StoreRequest(study, series, d.instance(series, TestData.CT_IMAGE, i % 25)),
                        DuplicatePolicy.REJECT).whenComplete((o, e) -> {
                            if (e != null) failure.compareAndSet(null, e);
                            permits.release();
                        });
                if ((i + 1) % 100_000 == 0) {
                    long now = System.nanoTime();
                    System.out.printf("%,d instances: %,.0f/s over the last 100k%n", i + 1,
                            100_000 / ((now - tick) / 1e9));
                    tick = now;
                }
            }
            permits.acquire(inFlight);
            double secs = (System.nanoTime() - t0) / 1e9;
            if (failure.get() != null) throw new IllegalStateException(failure.get());
            System.out.printf("ingest: %,d instances (%,d studies) in %.1f s = %,.0f instances/s, %d in flight%n",
                    n, n / 100, secs, n / secs, inFlight);

            int studies = n / 100;
            List<Query> queries = List.of(
                    Query.builder().where(QueryKey.PATIENT_ID, "PID" + studies / 2).build(),
                    Query.builder().where(QueryKey.STUDY_DATE, day0.plusDays(100).format(
                            DateTimeFormatter.BASIC_ISO_DATE)).build(),
                    Query.builder().where(QueryKey.STUDY_DATE, "20100201-20100228").limit(100).build(),
                    Query.builder().where(QueryKey.ACCESSION_NUMBER, "ACC" + studies / 3).build(),
                    Query.builder().where(QueryKey.PATIENT_NAME, "smith^john1*").caseInsensitiveNames(true)
                            .limit(100).build(),
                    Query.builder().where(QueryKey.STUDY_DATE, "20100201-20100228")
                            .where(QueryKey.MODALITIES_IN_STUDY, "CT").limit(100).build());
            for (Query q : queries) {
                long[] ns = new long[200];
                int found = 0;
                for (int r = 0; r < ns.length; r++) {
                    long a = System.nanoTime();
                    found = s.findStudies(q).toCompletableFuture().get(60, TimeUnit.SECONDS).items().size();
                    ns[r] = System.nanoTime() - a;
                }
                Arrays.sort(ns);
                System.out.printf("study query %-70s %4d matches, median %.2f ms, p95 %.2f ms%n", q.matches(), found,
                        ns[ns.length / 2] / 1e6, ns[ns.length * 95 / 100] / 1e6);
            }
        }
        System.out.println("index at " + dir);
    }
}
