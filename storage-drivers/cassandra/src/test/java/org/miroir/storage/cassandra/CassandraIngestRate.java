package org.miroir.storage.cassandra;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;
import org.miroir.storage.testkit.TestData;

/**
 * Not a test: measures store() ingest (claim + LOGGED BATCH per instance) and study-level query latency on a running
 * Cassandra. Args: host:port instances [in-flight [keyspace]]. 100 instances per study (4 series of 25), one patient
 * per study, as the embedded driver's IngestRate, so figures compare. The keyspace is kept (pass it again to add).
 */
public final class CassandraIngestRate {
    public static void main(String[] args) throws Exception {
        String contact = args[0];
        int n = Integer.parseInt(args[1]);
        int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        String keyspace = args.length > 3 ? args[3] : "ingest_rate";
        TestData d = new TestData();
        String[] names = {"SMITH^JOHN", "DOE^JANE", "MÜLLER^JÖRG", "BROWN^BOB", "GARCIA^ANA"};
        String[] modalities = {"CT", "MR", "US", "CR"};
        LocalDate day0 = LocalDate.of(2010, 1, 1);
        StorageConfig config = StorageConfig.of(Map.of("contact-points", contact, "keyspace", keyspace,
                "request-timeout-ms", "20000", "max-in-flight", Integer.toString(Math.max(512, inFlight * 2))));
        long t0 = System.nanoTime();
        try (CassandraMetadataStore s = CassandraMetadataStore.open(CassandraSettings.from(config))) {
            System.out.printf("open (schema): %.1f s%n", (System.nanoTime() - t0) / 1e9);
            Semaphore permits = new Semaphore(inFlight);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long start = System.nanoTime(), tick = start;
            StudyRecord study = null;
            SeriesRecord series = null;
            for (int i = 0; i < n; i++) {
                int st = i / 100;
                if (i % 100 == 0) {
                    PatientRecord p = d.patient("PID" + st, names[st % 5] + st, "19700101", "F");
                    study = d.study(p, day0.plusDays(st % 5000).format(DateTimeFormatter.BASIC_ISO_DATE), "120000",
                            "ACC" + d.token + st, "REF^" + (st % 300), "STUDY " + st, "1");
                }
                if (i % 25 == 0) series = d.series(study, modalities[(i / 25) % 4], (i / 25) % 4, null, null, null,
                        null);
                permits.acquire();
                s.store(new StoreRequest(study, series, d.instance(series, TestData.CT_IMAGE, i % 25)),
                        DuplicatePolicy.REJECT).whenComplete((o, e) -> {
                            if (e != null) failure.compareAndSet(null, e);
                            permits.release();
                        });
                if (failure.get() != null) break;
                if ((i + 1) % 10_000 == 0) {
                    long now = System.nanoTime();
                    System.out.printf("%,d instances: %,.0f/s over the last 10k%n", i + 1, 10_000 / ((now - tick) / 1e9));
                    tick = now;
                }
            }
            permits.acquire(inFlight);
            double secs = (System.nanoTime() - start) / 1e9;
            if (failure.get() != null) throw new IllegalStateException(failure.get());
            System.out.printf("ingest: %,d instances (%,d studies) in %.1f s = %,.0f instances/s, %d in flight%n",
                    n, n / 100, secs, n / secs, inFlight);

            int studies = n / 100;
            List<Query> queries = List.of(
                    Query.builder().where(QueryKey.ISSUER_OF_PATIENT_ID, d.issuer)
                            .where(QueryKey.PATIENT_ID, "PID" + studies / 2).build(),
                    Query.builder().where(QueryKey.PATIENT_ID, "PID" + studies / 2).build(),
                    Query.builder().where(QueryKey.STUDY_DATE, day0.plusDays(studies / 4).format(
                            DateTimeFormatter.BASIC_ISO_DATE)).build(),
                    Query.builder().where(QueryKey.STUDY_DATE, "20100201-20100228").limit(100).build(),
                    Query.builder().where(QueryKey.ACCESSION_NUMBER, "ACC" + d.token + studies / 3).build(),
                    Query.builder().where(QueryKey.PATIENT_NAME, names[(studies / 2) % 5] + studies / 2)
                            .caseInsensitiveNames(true).build(),
                    Query.builder().where(QueryKey.STUDY_DATE, "20100201-20100228")
                            .where(QueryKey.MODALITIES_IN_STUDY, "CT").limit(100).build());
            for (Query q : queries) {
                long[] ns = new long[100];
                int found = 0;
                for (int r = 0; r < ns.length; r++) {
                    long a = System.nanoTime();
                    found = s.findStudies(q).toCompletableFuture().get(60, TimeUnit.SECONDS).items().size();
                    ns[r] = System.nanoTime() - a;
                }
                Arrays.sort(ns);
                System.out.printf("study query %-80s %4d matches, median %.2f ms, p95 %.2f ms%n", q.matches(), found,
                        ns[ns.length / 2] / 1e6, ns[ns.length * 95 / 100] / 1e6);
            }
        }
    }
}
