package org.miroir.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.miroir.storage.metadata.Deletion;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.JournalOp;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StoreOutcome;
import org.miroir.storage.metadata.StoreOutcome.Status;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;

/**
 * The contract of {@link MetadataStore}. A driver's test extends it and opens its store. One store serves the whole
 * class; every test writes its own patients (own issuer, own UIDs) and scopes its queries by them, so the store may
 * hold other data.
 */
public abstract class MetadataStoreContract extends MetadataContractBase {
    /**
     * Makes the next store of this SOP Instance UID fail after some of its rows were written (as a disk or network
     * failure would), so the contract can check that nothing of it remains.
     */
    protected abstract void armStoreFailure(String sopInstanceUid);

    /** Studies in the paging test. */
    protected int pagingStudies() {
        return 2000;
    }

    // ---------------------------------------------------------------- helpers

    /** Stores concurrently with at most 64 writes in flight; returns outcomes in request order. */
    protected List<StoreOutcome> storeAll(List<StoreRequest> requests, DuplicatePolicy policy) {
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<StoreOutcome>> futures = new ArrayList<>();
        for (StoreRequest r : requests) {
            inFlight.acquireUninterruptibly();
            CompletableFuture<StoreOutcome> f = store.store(r, policy).toCompletableFuture();
            f.whenComplete((o, e) -> inFlight.release());
            futures.add(f);
        }
        return futures.stream().map(MetadataStoreContract::await).toList();
    }

    private static <T> Set<String> uids(List<T> records, Function<T, String> uid) {
        List<String> list = records.stream().map(uid).toList();
        assertThat(list).doesNotHaveDuplicates();
        return new HashSet<>(list);
    }

    private static Predicate<JournalEntry> ofStudy(String studyUid) {
        return e -> studyUid.equals(e.studyInstanceUid());
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void storesAndReturnsRecordsAtEveryLevel() {
        TestData d = new TestData();
        PatientRecord patient = d.patient("RT-1", "Round^Trip^^Dr", "19610203", "F");
        StudyRecord study = d.study(patient, "20240229", "235959.123456", "ACC-RT", "Ref^Erring", "CT CHEST", "42");
        SeriesRecord series = d.series(study, "CT", 3, "LUNG 1mm", "CHEST", "20240229", "2359");
        InstanceRecord instance = d.instance(series, TestData.CT_IMAGE, 17);
        StoreOutcome outcome = await(store.store(new StoreRequest(study, series, instance), DuplicatePolicy.REJECT));
        assertThat(outcome.status()).isEqualTo(Status.STORED);
        assertThat(outcome.previous()).isNull();
        assertThat(outcome.journalPosition()).isNotNull();

        Query byPatient = scoped(d).where(QueryKey.PATIENT_ID, "RT-1").includeAttributes(true).build();
        assertThat(await(store.findPatients(byPatient)).items()).containsExactly(patient);
        StudyRecord expectedStudy = new StudyRecord(patient, study.studyInstanceUid(), study.studyDate(),
                study.studyTime(), study.accessionNumber(), study.referringPhysicianName(), study.studyDescription(),
                study.studyId(), List.of("CT"), 1, 1, study.attributes());
        assertThat(await(store.findStudies(byPatient)).items()).containsExactly(expectedStudy);
        SeriesRecord expectedSeries = new SeriesRecord(series.studyInstanceUid(), series.seriesInstanceUid(), "CT", 3,
                "LUNG 1mm", "CHEST", "20240229", "2359", 1, series.attributes());
        assertThat(await(store.findSeries(byPatient)).items()).containsExactly(expectedSeries);
        assertThat(await(store.findInstances(byPatient)).items()).containsExactly(instance);

        Query bare = scoped(d).where(QueryKey.PATIENT_ID, "RT-1").build();
        assertThat(await(store.findPatients(bare)).items()).containsExactly(patient.withAttributes(null));
        assertThat(await(store.findStudies(bare)).items().get(0).attributes()).isNull();
        assertThat(await(store.findSeries(bare)).items().get(0).attributes()).isNull();
        assertThat(await(store.findInstances(bare)).items()).containsExactly(instance.withAttributes(null));
    }

    @Test
    void laterInstancesUpdateTheirParentsAndCounts() {
        TestData d = new TestData();
        PatientRecord first = d.patient("UP-1", "Before^Name", "19700101", "M");
        StudyRecord study = d.study(first, "20200101", "1200", "ACC-UP", null, "FIRST", "1");
        SeriesRecord ct = d.series(study, "CT", 1, "CT", "HEAD", null, null);
        await(store.store(new StoreRequest(study, ct, d.instance(ct, TestData.CT_IMAGE, 1)), DuplicatePolicy.REJECT));

        PatientRecord renamed = d.patient("UP-1", "After^Name", "19700101", "M");
        StudyRecord updated = new StudyRecord(renamed, study.studyInstanceUid(), "20200101", "1200", "ACC-UP", null,
                "SECOND", "1", List.of(), 0, 0, study.attributes());
        SeriesRecord mr = d.series(updated, "MR", 2, "MR", "HEAD", null, null);
        await(store.store(new StoreRequest(updated, mr, d.instance(mr, TestData.MR_IMAGE, 1)), DuplicatePolicy.REJECT));
        await(store.store(new StoreRequest(updated, mr, d.instance(mr, TestData.MR_IMAGE, 2)), DuplicatePolicy.REJECT));

        StudyRecord s = await(store.findStudies(scoped(d).where(QueryKey.PATIENT_ID, "UP-1").build())).items().get(0);
        assertThat(s.studyDescription()).isEqualTo("SECOND");
        assertThat(s.patient().patientName()).isEqualTo("After^Name");
        assertThat(s.modalitiesInStudy()).containsExactly("CT", "MR");
        assertThat(s.numberOfSeries()).isEqualTo(2);
        assertThat(s.numberOfInstances()).isEqualTo(3);

        // The study moves to another patient: the old one, left without studies, disappears.
        PatientRecord other = d.patient("UP-2", "Other^Patient", null, null);
        StudyRecord moved = new StudyRecord(other, study.studyInstanceUid(), "20200101", "1200", "ACC-UP", null,
                "SECOND", "1", List.of(), 0, 0, null);
        await(store.store(new StoreRequest(moved, mr, d.instance(mr, TestData.MR_IMAGE, 3)), DuplicatePolicy.REJECT));
        assertThat(await(store.findPatients(scoped(d).build())).items()).extracting(PatientRecord::patientId)
                .containsExactly("UP-2");
        assertThat(await(store.findStudies(scoped(d).where(QueryKey.PATIENT_ID, "UP-2").build())).items())
                .extracting(StudyRecord::numberOfInstances).containsExactly(4);
    }

    @Test
    void overwriteReplacesTheIndexedInstance() {
        TestData d = new TestData();
        StoreRequest first = d.request(d.patient("OW-1", "Over^Write", null, null), "20200101", "ACC-OW");
        await(store.store(first, DuplicatePolicy.OVERWRITE));
        InstanceRecord again = d.instance(first.series(), first.instance().sopInstanceUid(), TestData.CT_IMAGE, 99);
        StoreOutcome o = await(store.store(new StoreRequest(first.study(), first.series(), again),
                DuplicatePolicy.OVERWRITE));
        assertThat(o.status()).isEqualTo(Status.REPLACED);
        assertThat(o.previous().objectKey()).isEqualTo(first.instance().objectKey());
        assertThat(await(store.findInstances(scoped(d).build())).items()).containsExactly(again.withAttributes(null));
        assertThat(await(store.findStudies(scoped(d).build())).items().get(0).numberOfInstances()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- matching

    @Test
    void everyMatchingKindAgreesWithTheReferenceSemantics() {
        Department dep = new Department(new TestData());
        TestData d = dep.data;
        assertThat(storeAll(dep.requests, DuplicatePolicy.REJECT)).allMatch(o -> o.status() == Status.STORED);

        // Hand-checked expectations, which also validate the oracle.
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_NAME, "Doe^*"))).containsOnly("P1", "P2");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_NAME, "smith*").caseInsensitiveNames(true)))
                .containsOnly("P3", "P4");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_NAME, "smith*"))).containsOnly("P4");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_NAME, "müller^jörg").caseInsensitiveNames(true)))
                .containsOnly("P5");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_NAME, "YAMADA*").caseInsensitiveNames(true)))
                .containsOnly("P6");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_NAME, "*山田*"))).containsOnly("P6");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_NAME, "\"\""))).containsOnly("P7");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_NAME, "*[A]*"))).containsOnly("P8");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_NAME, "*^[?]"))).containsOnly("P8");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_NAME, "Under_*"))).containsOnly("P9");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_NAME, "Under?Score*"))).containsOnly("P9");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_NAME, "U%*"))).isEmpty();
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_SEX, "F"))).containsOnly("P2", "P4", "P8", "P9");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_BIRTH_DATE, "19700101-19801231")))
                .containsOnly("P1", "P2", "P6");
        assertThat(patients(dep, scoped(d).where(QueryKey.PATIENT_ID, "P?"))).hasSize(9);

        String aStudy = dep.requests.get(0).study().studyInstanceUid();
        String aSeries = dep.requests.get(0).series().seriesInstanceUid();
        String someStudies = dep.studies().stream().limit(3).map(StudyRecord::studyInstanceUid)
                .collect(Collectors.joining("\\"));
        String someInstances = dep.requests.stream().skip(2).limit(4).map(r -> r.instance().sopInstanceUid())
                .collect(Collectors.joining("\\"));

        List<Query> studyQueries = List.of(
                scoped(d).where(QueryKey.PATIENT_ID, "P1").build(),
                scoped(d).where(QueryKey.PATIENT_NAME, "*o*").build(),
                scoped(d).where(QueryKey.PATIENT_NAME, "d*").caseInsensitiveNames(true).build(),
                scoped(d).where(QueryKey.STUDY_DATE, "20200101-20201231").build(),
                scoped(d).where(QueryKey.STUDY_DATE, "20200229").build(),
                scoped(d).where(QueryKey.STUDY_DATE, "-20191231").build(),
                scoped(d).where(QueryKey.STUDY_DATE, "20210101-").build(),
                scoped(d).where(QueryKey.STUDY_DATE, "\"\"").build(),
                scoped(d).where(QueryKey.STUDY_TIME, "0800-1200").build(),
                scoped(d).where(QueryKey.STUDY_TIME, "12").build(),
                scoped(d).where(QueryKey.ACCESSION_NUMBER, "A" + d.token + "-10").build(),
                scoped(d).where(QueryKey.ACCESSION_NUMBER, "A" + d.token + "-?1").build(),
                scoped(d).where(QueryKey.STUDY_INSTANCE_UID, someStudies).build(),
                scoped(d).where(QueryKey.MODALITIES_IN_STUDY, "MR").build(),
                scoped(d).where(QueryKey.MODALITIES_IN_STUDY, "MR\\SR").build(),
                scoped(d).where(QueryKey.MODALITIES_IN_STUDY, "?R").build(),
                scoped(d).where(QueryKey.REFERRING_PHYSICIAN_NAME, "house*").caseInsensitiveNames(true).build(),
                scoped(d).where(QueryKey.REFERRING_PHYSICIAN_NAME, "house*").build(),
                scoped(d).where(QueryKey.STUDY_DESCRIPTION, "*HEAD*").build(),
                scoped(d).where(QueryKey.STUDY_ID, "S1").build(),
                scoped(d).where(QueryKey.PATIENT_BIRTH_DATE, "-19751231").where(QueryKey.PATIENT_SEX, "M").build(),
                scoped(d).where(QueryKey.PATIENT_NAME, "*^J*").where(QueryKey.STUDY_DATE, "20190101-20201231")
                        .where(QueryKey.MODALITIES_IN_STUDY, "CT").build(),
                scoped(d).filter(r -> r.attributes() != null
                        && new String(r.attributes().toByteArray()).contains("HEAD")).build());
        for (Query q : studyQueries)
            assertThat(uids(allPages(q, store::findStudies), StudyRecord::studyInstanceUid))
                    .as("studies matching %s", q.matches()).isEqualTo(dep.expectedStudies(q));

        List<Query> seriesQueries = List.of(
                scoped(d).where(QueryKey.MODALITY, "CT").build(),
                scoped(d).where(QueryKey.MODALITY, "C?").build(),
                scoped(d).where(QueryKey.SERIES_NUMBER, "2").build(),
                scoped(d).where(QueryKey.SERIES_DESCRIPTION, "*T1").build(),
                scoped(d).where(QueryKey.BODY_PART_EXAMINED, "HEAD\\KNEE").build(),
                scoped(d).where(QueryKey.BODY_PART_EXAMINED, "\"\"").build(),
                scoped(d).where(QueryKey.PERFORMED_PROCEDURE_STEP_START_DATE, "20200101-20210101").build(),
                scoped(d).where(QueryKey.PERFORMED_PROCEDURE_STEP_START_TIME, "-1100").build(),
                scoped(d).where(QueryKey.STUDY_INSTANCE_UID, aStudy).where(QueryKey.MODALITY, "CT").build(),
                scoped(d).where(QueryKey.STUDY_DATE, "20200101-").where(QueryKey.MODALITY, "CT\\MR").build(),
                scoped(d).where(QueryKey.PATIENT_NAME, "SMITH*").caseInsensitiveNames(true).build(),
                scoped(d).where(QueryKey.SERIES_INSTANCE_UID, aSeries).build());
        for (Query q : seriesQueries)
            assertThat(uids(allPages(q, store::findSeries), SeriesRecord::seriesInstanceUid))
                    .as("series matching %s", q.matches()).isEqualTo(dep.expectedSeries(q));

        List<Query> instanceQueries = List.of(
                scoped(d).where(QueryKey.SOP_CLASS_UID, TestData.MR_IMAGE).build(),
                scoped(d).where(QueryKey.INSTANCE_NUMBER, "1").build(),
                scoped(d).where(QueryKey.SOP_INSTANCE_UID, someInstances).build(),
                scoped(d).where(QueryKey.SERIES_INSTANCE_UID, aSeries).build(),
                scoped(d).where(QueryKey.PATIENT_NAME, "*a*").where(QueryKey.MODALITY, "MR").build(),
                scoped(d).where(QueryKey.STUDY_DATE, "20200101-20201231").where(QueryKey.INSTANCE_NUMBER, "2")
                        .build());
        for (Query q : instanceQueries)
            assertThat(uids(allPages(q, store::findInstances), InstanceRecord::sopInstanceUid))
                    .as("instances matching %s", q.matches()).isEqualTo(dep.expectedInstances(q));

        // The table must be able to fail: most queries select some, but not all, of the data.
        long selective = studyQueries.stream().map(dep::expectedStudies)
                .filter(s -> !s.isEmpty() && s.size() < dep.studies().size()).count();
        assertThat(selective).isGreaterThanOrEqualTo(studyQueries.size() - 3);
    }

    private List<String> patients(Department dep, Query.Builder b) {
        Query q = b.limit(3).build();
        List<String> got = allPages(q, store::findPatients).stream().map(PatientRecord::patientId).toList();
        assertThat(new HashSet<>(got)).as("oracle for %s", q.matches()).isEqualTo(dep.expectedPatients(q));
        return got;
    }

    @Test
    void rejectsInvalidQueries() {
        Query seriesKey = Query.builder().where(QueryKey.MODALITY, "CT").build();
        assertThat(failureOf(store.findStudies(seriesKey))).isInstanceOf(IllegalArgumentException.class);
        assertThat(failureOf(store.findPatients(Query.builder().where(QueryKey.STUDY_DATE, "20200101-").build())))
                .isInstanceOf(IllegalArgumentException.class);
        Query badToken = Query.builder().pageToken("not a token!").build();
        assertThat(failureOf(store.findStudies(badToken))).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- paging

    @Test
    void pagesThroughManyStudies() {
        TestData d = new TestData();
        int n = pagingStudies();
        PatientRecord p = d.patient("PG-" + d.token, "Paging^Patient", "19700101", "M");
        LocalDate day0 = LocalDate.of(2020, 1, 1);
        List<StoreRequest> requests = IntStream.range(0, n).mapToObj(i -> d.request(p,
                day0.plusDays(i % 366).format(DateTimeFormatter.BASIC_ISO_DATE), "PG" + i)).toList();
        assertThat(storeAll(requests, DuplicatePolicy.REJECT)).allMatch(o -> o.status() == Status.STORED);
        Set<String> all = requests.stream().map(r -> r.study().studyInstanceUid()).collect(Collectors.toSet());

        Query byToken = scoped(d).where(QueryKey.PATIENT_ID, p.patientId()).limit(97).build();
        List<StudyRecord> tokenPages = allPages(byToken, store::findStudies);
        assertThat(uids(tokenPages, StudyRecord::studyInstanceUid)).isEqualTo(all);

        List<String> offsetPages = new ArrayList<>();
        for (int offset = 0; offset < n + 250; offset += 250) {
            Query q = scoped(d).where(QueryKey.PATIENT_ID, p.patientId()).offset(offset).limit(250).build();
            List<StudyRecord> items = await(store.findStudies(q)).items();
            assertThat(items.size()).isEqualTo(Math.max(0, Math.min(250, n - offset)));
            items.forEach(s -> offsetPages.add(s.studyInstanceUid()));
        }
        assertThat(offsetPages).doesNotHaveDuplicates().hasSize(n);
        // Offset, then tokens: the offset applies once.
        Query offsetThenToken = scoped(d).where(QueryKey.PATIENT_ID, p.patientId()).offset(n / 2).limit(101).build();
        assertThat(uids(allPages(offsetThenToken, store::findStudies), StudyRecord::studyInstanceUid))
                .hasSize(n - n / 2).isSubsetOf(all);

        Query march = scoped(d).where(QueryKey.STUDY_DATE, "20200301-20200331").limit(13).build();
        Set<String> expectedMarch = requests.stream().filter(r -> r.study().studyDate().startsWith("202003"))
                .map(r -> r.study().studyInstanceUid()).collect(Collectors.toSet());
        assertThat(uids(allPages(march, store::findStudies), StudyRecord::studyInstanceUid)).isEqualTo(expectedMarch);

        Query filtered = scoped(d).filter(r -> ((StudyRecord) r).accessionNumber().endsWith("7")).limit(50).build();
        Set<String> expectedSevens = requests.stream().filter(r -> r.study().accessionNumber().endsWith("7"))
                .map(r -> r.study().studyInstanceUid()).collect(Collectors.toSet());
        assertThat(uids(allPages(filtered, store::findStudies), StudyRecord::studyInstanceUid))
                .isEqualTo(expectedSevens);

        Query instances = scoped(d).where(QueryKey.PATIENT_ID, p.patientId()).limit(500).build();
        assertThat(uids(allPages(instances, store::findInstances), InstanceRecord::sopInstanceUid)).hasSize(n);
    }

    // ---------------------------------------------------------------- duplicates

    @ParameterizedTest
    @EnumSource(DuplicatePolicy.class)
    void concurrentWritersOfOneSopInstanceFollowThePolicy(DuplicatePolicy policy) throws Exception {
        TestData d = new TestData();
        StudyRecord study = d.study(d.patient("DUP", "Dup^" + policy, null, null), "20200101", null, null, null,
                null, null);
        List<SeriesRecord> series = IntStream.range(0, 3)
                .mapToObj(i -> d.series(study, "CT", i, null, null, null, null)).toList();
        String sop = d.uid();
        int writers = 16;
        List<StoreRequest> requests = IntStream.range(0, writers).mapToObj(k -> new StoreRequest(study,
                series.get(k % 3), d.instance(series.get(k % 3), sop, TestData.CT_IMAGE, k))).toList();

        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<StoreOutcome> outcomes = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<StoreOutcome>> futures = new ArrayList<>();
            for (StoreRequest r : requests)
                futures.add(pool.submit(() -> {
                    go.await();
                    return await(store.store(r, policy));
                }));
            go.countDown();
            for (Future<StoreOutcome> f : futures) outcomes.add(f.get(WAIT_SECONDS, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }

        Set<String> keys = requests.stream().map(r -> r.instance().objectKey()).collect(Collectors.toSet());
        List<StoreOutcome> stored = outcomes.stream().filter(o -> o.status() == Status.STORED).toList();
        assertThat(stored).hasSize(1);
        String winnerKey = requests.get(outcomes.indexOf(stored.get(0))).instance().objectKey();
        List<InstanceRecord> indexed = await(store.findInstances(
                scoped(d).where(QueryKey.SOP_INSTANCE_UID, sop).build())).items();
        assertThat(indexed).hasSize(1);
        String finalKey = indexed.get(0).objectKey();
        List<JournalEntry> entries = journal(e -> sop.equals(e.sopInstanceUid()));

        switch (policy) {
            case IGNORE, REJECT -> {
                Status loser = policy == DuplicatePolicy.IGNORE ? Status.IGNORED : Status.REJECTED;
                assertThat(outcomes).filteredOn(o -> o != stored.get(0))
                        .allMatch(o -> o.status() == loser && o.previous().objectKey().equals(winnerKey)
                                && o.journalPosition() == null);
                assertThat(finalKey).isEqualTo(winnerKey);
                assertThat(entries).hasSize(1);
            }
            case OVERWRITE -> {
                List<String> replaced = outcomes.stream().filter(o -> o.status() == Status.REPLACED)
                        .map(o -> o.previous().objectKey()).toList();
                assertThat(replaced).hasSize(writers - 1).doesNotHaveDuplicates().doesNotContain(finalKey);
                Set<String> chain = new HashSet<>(replaced);
                chain.add(finalKey);
                assertThat(chain).isEqualTo(keys);
                assertThat(entries).hasSize(writers);
                assertThat(entries.get(entries.size() - 1).objectKey()).isEqualTo(finalKey);
            }
        }
        // No corrupted rows: the instance sits in exactly one series, and the counts say so.
        List<SeriesRecord> seriesRows = await(store.findSeries(scoped(d).build())).items();
        assertThat(seriesRows).hasSize(1);
        assertThat(seriesRows.get(0).seriesInstanceUid()).isEqualTo(indexed.get(0).seriesInstanceUid());
        assertThat(seriesRows.get(0).numberOfInstances()).isEqualTo(1);
        StudyRecord s = await(store.findStudies(scoped(d).build())).items().get(0);
        assertThat(s.numberOfSeries()).isEqualTo(1);
        assertThat(s.numberOfInstances()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- retrieve, delete, sweep

    @Test
    void listsInstancesForRetrieve() {
        TestData d = new TestData();
        StudyRecord study = d.study(d.patient("RET", "Re^Trieve", null, null), null, null, null, null, null, null);
        SeriesRecord a = d.series(study, "CT", 1, null, null, null, null);
        SeriesRecord b = d.series(study, "CT", 2, null, null, null, null);
        List<StoreRequest> rs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SeriesRecord s = i < 3 ? a : b;
            rs.add(new StoreRequest(study, s, d.instance(s, TestData.CT_IMAGE, i)));
        }
        storeAll(rs, DuplicatePolicy.REJECT);
        Function<StoreRequest, InstanceRecord> bare = r -> r.instance().withAttributes(null);
        assertThat(await(store.instancesOf(study.studyInstanceUid(), null)))
                .containsExactlyInAnyOrderElementsOf(rs.stream().map(bare).toList());
        assertThat(await(store.instancesOf(study.studyInstanceUid(), b.seriesInstanceUid())))
                .containsExactlyInAnyOrderElementsOf(rs.subList(3, 5).stream().map(bare).toList());
        assertThat(await(store.instancesOf(d.uid(), null))).isEmpty();
        assertThat(await(store.instancesOf(study.studyInstanceUid(), d.uid()))).isEmpty();

        List<String> keys = rs.stream().map(r -> r.instance().objectKey()).toList();
        List<String> probe = new ArrayList<>(keys);
        probe.add("unreferenced-" + d.token);
        assertThat(await(store.referencedObjectKeys(probe))).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(await(store.referencedObjectKeys(List.of()))).isEmpty();
    }

    @Test
    void deletesInstancesSeriesAndStudiesWithTheirParents() {
        TestData d = new TestData();
        PatientRecord p = d.patient("DEL", "Del^Ete", null, null);
        StudyRecord study = d.study(p, "20200101", null, null, null, null, null);
        SeriesRecord a = d.series(study, "CT", 1, null, null, null, null);
        SeriesRecord b = d.series(study, "MR", 2, null, null, null, null);
        List<StoreRequest> rs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SeriesRecord s = i < 3 ? a : b;
            rs.add(new StoreRequest(study, s, d.instance(s, TestData.CT_IMAGE, i)));
        }
        StoreRequest other = d.request(p, "20210101", "OTHER");
        rs.add(other);
        storeAll(rs, DuplicatePolicy.REJECT);
        String st = study.studyInstanceUid();

        Deletion one = await(store.deleteInstance(st, a.seriesInstanceUid(), rs.get(0).instance().sopInstanceUid()));
        assertThat(one.objectKeys()).containsExactly(rs.get(0).instance().objectKey());
        assertThat(one.journalPosition()).isNotNull();
        assertThat(await(store.deleteInstance(st, a.seriesInstanceUid(), rs.get(0).instance().sopInstanceUid())))
                .isEqualTo(Deletion.none());
        StudyRecord after = await(store.findStudies(scoped(d).where(QueryKey.STUDY_INSTANCE_UID, st).build()))
                .items().get(0);
        assertThat(after.numberOfInstances()).isEqualTo(4);

        assertThat(await(store.deleteSeries(d.uid(), b.seriesInstanceUid()))).isEqualTo(Deletion.none());
        Deletion series = await(store.deleteSeries(st, b.seriesInstanceUid()));
        assertThat(series.objectKeys()).containsExactlyInAnyOrder(rs.get(3).instance().objectKey(),
                rs.get(4).instance().objectKey());
        after = await(store.findStudies(scoped(d).where(QueryKey.STUDY_INSTANCE_UID, st).build())).items().get(0);
        assertThat(after.numberOfSeries()).isEqualTo(1);
        assertThat(after.numberOfInstances()).isEqualTo(2);
        assertThat(after.modalitiesInStudy()).containsExactly("CT");

        Deletion whole = await(store.deleteStudy(st));
        assertThat(whole.objectKeys()).containsExactlyInAnyOrder(rs.get(1).instance().objectKey(),
                rs.get(2).instance().objectKey());
        assertThat(await(store.findStudies(scoped(d).where(QueryKey.STUDY_INSTANCE_UID, st).build())).items())
                .isEmpty();
        assertThat(await(store.findInstances(scoped(d).where(QueryKey.STUDY_INSTANCE_UID, st).build())).items())
                .isEmpty();
        assertThat(await(store.findPatients(scoped(d).build())).items()).hasSize(1);
        assertThat(await(store.deleteStudy(st))).isEqualTo(Deletion.none());

        // Removing the last instance removes its series, study and patient.
        Deletion last = await(store.deleteInstance(other.study().studyInstanceUid(),
                other.series().seriesInstanceUid(), other.instance().sopInstanceUid()));
        assertThat(last.removed()).hasSize(1);
        assertThat(await(store.findPatients(scoped(d).build())).items()).isEmpty();
        assertThat(await(store.findSeries(scoped(d).build())).items()).isEmpty();
        assertThat(await(store.referencedObjectKeys(rs.stream().map(r -> r.instance().objectKey()).toList())))
                .isEmpty();

        assertThat(journal(ofStudy(st))).extracting(JournalEntry::op).containsExactly(JournalOp.STORE,
                JournalOp.STORE, JournalOp.STORE, JournalOp.STORE, JournalOp.STORE, JournalOp.DELETE_INSTANCE,
                JournalOp.DELETE_SERIES, JournalOp.DELETE_STUDY);
    }

    // ---------------------------------------------------------------- atomicity

    @Test
    void aFailedWriteLeavesNothingBehind() {
        TestData d = new TestData();
        List<StoreRequest> rs = IntStream.range(0, 8)
                .mapToObj(i -> d.request(d.patient("AT-" + i, "Atom^" + i, null, null), "20200101", "AT" + i))
                .toList();
        StoreRequest doomed = rs.get(3);
        armStoreFailure(doomed.instance().sopInstanceUid());
        List<CompletionStage<StoreOutcome>> stages = rs.stream()
                .map(r -> store.store(r, DuplicatePolicy.REJECT)).toList();
        assertThat(failureOf(stages.get(3))).isNotNull();
        for (int i = 0; i < rs.size(); i++)
            if (i != 3) assertThat(await(stages.get(i)).status()).isEqualTo(Status.STORED);

        Query doomedPatient = scoped(d).where(QueryKey.PATIENT_ID, "AT-3").build();
        assertThat(await(store.findPatients(doomedPatient)).items()).isEmpty();
        assertThat(await(store.findStudies(scoped(d).where(QueryKey.STUDY_INSTANCE_UID,
                doomed.study().studyInstanceUid()).build())).items()).isEmpty();
        assertThat(await(store.findSeries(scoped(d).where(QueryKey.SERIES_INSTANCE_UID,
                doomed.series().seriesInstanceUid()).build())).items()).isEmpty();
        assertThat(await(store.instancesOf(doomed.study().studyInstanceUid(), null))).isEmpty();
        assertThat(await(store.referencedObjectKeys(List.of(doomed.instance().objectKey())))).isEmpty();
        assertThat(journal(ofStudy(doomed.study().studyInstanceUid()))).isEmpty();
        assertThat(await(store.findPatients(scoped(d).build())).items()).hasSize(7);

        // The failure was transient: the same write succeeds now.
        assertThat(await(store.store(doomed, DuplicatePolicy.REJECT)).status()).isEqualTo(Status.STORED);
        assertThat(await(store.findPatients(doomedPatient)).items()).hasSize(1);
    }

    // ---------------------------------------------------------------- journal

    @Test
    void journalKeepsWriteOrderAndResumesFromAWatermark() {
        TestData d = new TestData();
        PatientRecord p = d.patient("JR", "Jour^Nal", null, null);
        StudyRecord study = d.study(p, "20200101", null, null, null, null, null);
        SeriesRecord series = d.series(study, "CT", 1, null, null, null, null);
        List<StoreRequest> rs = IntStream.range(0, 7)
                .mapToObj(i -> new StoreRequest(study, series, d.instance(series, TestData.CT_IMAGE, i))).toList();
        List<String> positions = new ArrayList<>();
        for (StoreRequest r : rs) positions.add(await(store.store(r, DuplicatePolicy.REJECT)).journalPosition());
        Deletion del = await(store.deleteInstance(study.studyInstanceUid(), series.seriesInstanceUid(),
                rs.get(1).instance().sopInstanceUid()));
        positions.add(del.journalPosition());

        List<JournalEntry> ours = journal(ofStudy(study.studyInstanceUid()));
        assertThat(ours).extracting(JournalEntry::position).containsExactlyElementsOf(positions);
        assertThat(ours).extracting(JournalEntry::partition).containsOnly(ours.get(0).partition());
        for (int i = 0; i < rs.size(); i++) {
            JournalEntry e = ours.get(i);
            InstanceRecord in = rs.get(i).instance();
            assertThat(e.op()).isEqualTo(JournalOp.STORE);
            assertThat(e.seriesInstanceUid()).isEqualTo(in.seriesInstanceUid());
            assertThat(e.sopInstanceUid()).isEqualTo(in.sopInstanceUid());
            assertThat(e.objectKey()).isEqualTo(in.objectKey());
            assertThat(e.size()).isEqualTo(in.size());
            assertThat(e.sha256()).isEqualTo(in.sha256());
        }
        JournalEntry last = ours.get(7);
        assertThat(last.op()).isEqualTo(JournalOp.DELETE_INSTANCE);
        assertThat(last.sopInstanceUid()).isEqualTo(rs.get(1).instance().sopInstanceUid());
        assertThat(last.objectKey()).isNull();

        int partition = ours.get(0).partition();
        // Reading in small steps from a watermark gives the same sequence.
        List<String> stepwise = new ArrayList<>();
        String after = positions.get(2);
        for (List<JournalEntry> batch; !(batch = await(store.readJournal(partition, after, 2))).isEmpty(); ) {
            batch.stream().filter(ofStudy(study.studyInstanceUid())).forEach(e -> stepwise.add(e.position()));
            after = batch.get(batch.size() - 1).position();
        }
        assertThat(stepwise).containsExactlyElementsOf(positions.subList(3, positions.size()));

        // Concurrent writers: every entry present once.
        List<StoreRequest> burst = IntStream.range(0, 40)
                .mapToObj(i -> new StoreRequest(study, series, d.instance(series, TestData.CT_IMAGE, 100 + i)))
                .toList();
        List<String> burstPositions = storeAll(burst, DuplicatePolicy.REJECT).stream()
                .map(StoreOutcome::journalPosition).toList();
        assertThat(journal(ofStudy(study.studyInstanceUid())).stream().map(JournalEntry::position)
                .filter(burstPositions::contains)).hasSize(40).doesNotHaveDuplicates();

        await(store.trimJournal(partition, positions.get(4)));
        List<String> kept = journal(ofStudy(study.studyInstanceUid())).stream().map(JournalEntry::position)
                .limit(3).toList();
        assertThat(kept).containsExactlyElementsOf(positions.subList(5, 8));
    }

    @Test
    void reportsHealth() {
        assertThat(await(store.health()).up()).isTrue();
        assertThat(store.journalPartitions()).isPositive();
    }
}
