package org.miroir.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.JournalOp;
import org.miroir.storage.metadata.PatientKey;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;

/**
 * The contract of the patient registry operations of {@link org.miroir.storage.metadata.MetadataStore}: updates
 * (HL7 A01, A04, A08) that studies stored before them show, and that later stores do not undo; merges (HL7 A40) that
 * move studies and redirect later stores; their journal entries.
 */
public abstract class PatientContract extends MetadataContractBase {

    private StoreRequest store(TestData d, PatientRecord p) {
        StoreRequest r = d.request(p, "20240105", null);
        assertThat(await(store.store(r, DuplicatePolicy.REJECT)).written()).isTrue();
        return r;
    }

    private List<StudyRecord> studiesOf(TestData d, String patientId) {
        return allPages(scoped(d).match(QueryKey.PATIENT_ID, new Match.Single(patientId)).includeAttributes(true)
                .build(), store::findStudies);
    }

    private List<PatientRecord> patients(TestData d) {
        return allPages(scoped(d).includeAttributes(true).build(), store::findPatients);
    }

    private List<JournalEntry> patientEntries(TestData d) {
        return journal(e -> e.patient() != null && d.issuer.equals(e.patient().issuerOfPatientId()));
    }

    @Test
    void anUpdateShowsOnStudiesStoredBeforeAndLaterStoresKeepIt() {
        TestData d = new TestData();
        PatientRecord before = d.patient("P1", "Smith^Jon", "19700101", "M");
        StoreRequest first = store(d, before);
        store(d, before);

        PatientRecord registered = new PatientRecord("P1", d.issuer, "Smith^John^Q", "19700102", "M",
                TestData.blob("registered P1 " + d.token));
        String position = await(store.updatePatient(registered));
        assertThat(position).isNotNull();

        List<StudyRecord> studies = studiesOf(d, "P1");
        assertThat(studies).hasSize(2).allSatisfy(s -> assertThat(s.patient()).isEqualTo(registered));
        assertThat(patients(d)).containsExactly(registered);
        assertThat(allPages(scoped(d).match(QueryKey.PATIENT_NAME, new Match.Single("Smith^John^Q")).build(),
                store::findStudies)).hasSize(2);
        assertThat(allPages(scoped(d).match(QueryKey.PATIENT_NAME, new Match.Single("Smith^Jon")).build(),
                store::findStudies)).isEmpty();

        // A modality still sending the old demographics does not undo the registry's.
        store(d, before);
        assertThat(await(store.store(new StoreRequest(first.study(), first.series(),
                d.instance(first.series(), TestData.CT_IMAGE, 9)), DuplicatePolicy.REJECT)).written()).isTrue();
        assertThat(studiesOf(d, "P1")).hasSize(3).allSatisfy(s -> assertThat(s.patient()).isEqualTo(registered));

        List<JournalEntry> entries = patientEntries(d);
        assertThat(entries).hasSize(1);
        JournalEntry e = entries.get(0);
        assertThat(e.op()).isEqualTo(JournalOp.PATIENT_UPDATE);
        assertThat(e.position()).isEqualTo(position);
        assertThat(e.partition()).isZero();
        assertThat(e.patient()).isEqualTo(new PatientKey("P1", d.issuer));
        assertThat(e.priorPatient()).isNull();
        assertThat(e.studyInstanceUid()).isNull();
    }

    /** Name wildcards find a patient by its current name, whether a store or the registry changed it. */
    @Test
    void aRenamedPatientIsFoundByItsNewNameOnly() {
        TestData d = new TestData();
        store(d, d.patient("N1", "Early^Name", null, null));
        assertThat(byName(d, "Early^*")).containsExactly("N1");

        store(d, d.patient("N1", "Later^Name", null, null));
        assertThat(byName(d, "Later^*")).containsExactly("N1");
        assertThat(byName(d, "Early^*")).isEmpty();

        await(store.updatePatient(new PatientRecord("N1", d.issuer, "Registry^Name", null, null, null)));
        assertThat(byName(d, "Reg*")).containsExactly("N1");
        assertThat(byName(d, "Later^*")).isEmpty();
        assertThat(byName(d, "*^Name")).containsExactly("N1");
    }

    private List<String> byName(TestData d, String pattern) {
        return allPages(scoped(d).match(QueryKey.PATIENT_NAME, new Match.Wildcard(pattern)).build(),
                store::findPatients).stream().map(PatientRecord::patientId).toList();
    }

    @Test
    void aRegisteredPatientWithoutStudiesIsKnownButNotInTheArchive() {
        TestData d = new TestData();
        PatientRecord p = new PatientRecord("R1", d.issuer, "Reg^Only", null, "F", TestData.blob("R1 " + d.token));
        PatientKey key = PatientKey.of(p);
        assertThat(await(store.patient(key))).isEmpty();
        await(store.updatePatient(p));
        assertThat(await(store.patient(key))).contains(p);
        assertThat(patients(d)).isEmpty();

        StoreRequest r = store(d, d.patient("R1", "Modality^Name", null, null));
        assertThat(patients(d)).containsExactly(p);
        await(store.deleteStudy(r.study().studyInstanceUid()));
        assertThat(patients(d)).isEmpty();
        assertThat(await(store.patient(key))).as("registered patients outlive their studies").contains(p);

        // A patient known from its studies only is read too, and goes with its last study.
        PatientRecord unregistered = d.patient("U1", "From^Images", null, null);
        StoreRequest u = store(d, unregistered);
        assertThat(await(store.patient(PatientKey.of(unregistered)))).contains(unregistered);
        await(store.deleteStudy(u.study().studyInstanceUid()));
        assertThat(await(store.patient(PatientKey.of(unregistered)))).isEmpty();
    }

    @Test
    void aMergeMovesStudiesAndLaterStoresFollowIt() {
        TestData d = new TestData();
        PatientRecord a = d.patient("A", "Doe^Jane", "19800101", "F");
        PatientRecord b = d.patient("B", "Doe^J", "19800101", "F");
        store(d, a);
        store(d, a);
        store(d, b);
        PatientRecord surviving = new PatientRecord("B", d.issuer, "Doe^Jane^Ann", "19800101", "F",
                TestData.blob("merged B " + d.token));

        String position = await(store.mergePatients(PatientKey.of(a), surviving));
        assertThat(studiesOf(d, "A")).isEmpty();
        assertThat(studiesOf(d, "B")).hasSize(3).allSatisfy(s -> assertThat(s.patient()).isEqualTo(surviving));
        assertThat(patients(d)).containsExactly(surviving);
        assertThat(await(store.patient(PatientKey.of(a)))).isEmpty();
        assertThat(await(store.patient(PatientKey.of(surviving)))).contains(surviving);

        // Images still carrying the merged patient's ID are filed under the surviving patient.
        StoreRequest late = store(d, a);
        List<StudyRecord> ofB = studiesOf(d, "B");
        assertThat(ofB).hasSize(4).extracting(StudyRecord::studyInstanceUid).contains(late.study().studyInstanceUid());
        assertThat(ofB).allSatisfy(s -> assertThat(s.patient()).isEqualTo(surviving));
        assertThat(studiesOf(d, "A")).isEmpty();

        List<JournalEntry> entries = patientEntries(d);
        assertThat(entries).extracting(JournalEntry::op).containsExactly(JournalOp.PATIENT_MERGE);
        assertThat(entries.get(0).position()).isEqualTo(position);
        assertThat(entries.get(0).patient()).isEqualTo(PatientKey.of(surviving));
        assertThat(entries.get(0).priorPatient()).isEqualTo(PatientKey.of(a));
        assertThat(entries.get(0).partition()).isZero();
    }

    @Test
    void mergesChainAndAnUpdateRevivesAMergedPatient() {
        TestData d = new TestData();
        PatientRecord a = d.patient("CA", "Chain^A", null, null);
        PatientRecord b = d.patient("CB", "Chain^B", null, null);
        PatientRecord c = d.patient("CC", "Chain^C", null, null);
        store(d, a);
        store(d, b);
        await(store.mergePatients(PatientKey.of(a), b));
        await(store.mergePatients(PatientKey.of(b), c));
        assertThat(studiesOf(d, "CC")).hasSize(2);
        StoreRequest viaA = store(d, a);
        assertThat(studiesOf(d, "CC")).hasSize(3).extracting(StudyRecord::studyInstanceUid)
                .contains(viaA.study().studyInstanceUid());

        // The merge of a patient not seen yet still redirects what comes under its key.
        PatientRecord unseen = d.patient("CU", "Not^Yet", null, null);
        await(store.mergePatients(PatientKey.of(unseen), c));
        store(d, unseen);
        assertThat(studiesOf(d, "CC")).hasSize(4);
        assertThat(studiesOf(d, "CU")).isEmpty();

        // The registry naming a merged patient again makes it a patient of its own.
        await(store.updatePatient(a));
        assertThat(await(store.patient(PatientKey.of(a)))).contains(a);
        StoreRequest own = store(d, a);
        assertThat(studiesOf(d, "CA")).extracting(StudyRecord::studyInstanceUid)
                .containsExactly(own.study().studyInstanceUid());
        assertThat(studiesOf(d, "CC")).hasSize(4);
    }

    @Test
    void rejectsAMergeIntoItself() {
        TestData d = new TestData();
        PatientRecord p = d.patient("S", "Self^Merge", null, null);
        assertThat(failureOf(store.mergePatients(PatientKey.of(p), p))).isInstanceOf(IllegalArgumentException.class);
        assertThat(patientEntries(d)).isEmpty();
    }

    @Test
    void patientsWithoutIdOrIssuerAreKeysToo() {
        TestData d = new TestData();
        PatientRecord noIssuer = new PatientRecord("NI-" + d.token, null, "No^Issuer", null, null,
                TestData.blob("no issuer"));
        await(store.updatePatient(noIssuer));
        assertThat(await(store.patient(new PatientKey("NI-" + d.token, "")))).contains(noIssuer);
        Query q = Query.builder().match(QueryKey.PATIENT_ID, new Match.Single("NI-" + d.token)).build();
        assertThat(allPages(q, store::findPatients)).isEmpty();
    }
}
