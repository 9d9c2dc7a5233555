package org.miroir.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.JournalOp;
import org.miroir.storage.query.Match;
import org.miroir.storage.worklist.PerformedStep;
import org.miroir.storage.worklist.PerformedStepChange;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistChange;
import org.miroir.storage.worklist.WorklistChange.Outcome;
import org.miroir.storage.worklist.WorklistItem;
import org.miroir.storage.worklist.WorklistKey;
import org.miroir.storage.worklist.WorklistQuery;

/**
 * The contract of the modality worklist and performed steps of {@link org.miroir.storage.metadata.MetadataStore}:
 * order writes and the statuses they allow, matching (checked against {@link WorklistQuery#test} on a varied set),
 * paging, performed steps moving their items, and the journal entries of every change. Tests scope their items by
 * their own issuer.
 */
public abstract class WorklistContract extends MetadataContractBase {

    /** An item of {@code d} with a fresh id. */
    private static WorklistItem item(TestData d, String patientId, String name, String accession, String station,
            String modality, String date, String time) {
        String id = "order-" + d.token + "-" + d.uid();
        return new WorklistItem(id, StepStatus.SCHEDULED, patientId, d.issuer, name, accession, "RP-" + accession,
                "SPS-" + accession, station, modality, date, time, d.uid(), null,
                TestData.blob("item " + id + " " + name));
    }

    private static WorklistQuery.Builder scopedTo(TestData d) {
        return new WorklistQuery.Builder().match(WorklistKey.ISSUER_OF_PATIENT_ID, new Match.Single(d.issuer));
    }

    private List<WorklistItem> all(WorklistQuery q) {
        return allPages(q, store::findWorklist, WorklistQuery::nextPage, q.limit());
    }

    private static Set<String> ids(List<WorklistItem> items) {
        assertThat(items).extracting(WorklistItem::itemId).doesNotHaveDuplicates();
        return items.stream().map(WorklistItem::itemId).collect(Collectors.toSet());
    }

    private List<JournalEntry> itemEntries(String itemId) {
        return journal(e -> itemId.equals(e.worklistItemId()));
    }

    @Test
    void ordersCreateReplaceCancelAndDiscontinueItems() {
        TestData d = new TestData();
        WorklistItem ct = item(d, "W1", "Ward^Ann", "A100", "CT1", "CT", "20250310", "0800");

        assertThat(await(store.scheduleWorklistItem(ct, false)).outcome()).isEqualTo(Outcome.NOT_FOUND);
        WorklistChange created = await(store.scheduleWorklistItem(ct, true));
        assertThat(created.outcome()).isEqualTo(Outcome.CREATED);
        assertThat(await(store.worklistItem(ct.itemId()))).contains(ct);

        WorklistItem moved = new WorklistItem(ct.itemId(), StepStatus.SCHEDULED, "W1", d.issuer, "Ward^Ann",
                "A100", "RP-A100", "SPS-A100", "CT2", "CT", "20250311", "0930", ct.studyInstanceUid(), null,
                TestData.blob("moved"));
        WorklistChange replaced = await(store.scheduleWorklistItem(moved, false));
        assertThat(replaced.outcome()).isEqualTo(Outcome.REPLACED);
        assertThat(replaced.current()).isEqualTo(moved);
        assertThat(await(store.worklistItem(ct.itemId()))).contains(moved);
        // The same order sent again (a retry) replaces it with itself.
        assertThat(await(store.scheduleWorklistItem(moved, true)).outcome()).isEqualTo(Outcome.REPLACED);

        WorklistChange cancelled = await(store.endWorklistItem(ct.itemId(), StepStatus.CANCELED));
        assertThat(cancelled.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(cancelled.current().status()).isEqualTo(StepStatus.CANCELED);
        assertThat(await(store.endWorklistItem(ct.itemId(), StepStatus.CANCELED)).outcome())
                .isEqualTo(Outcome.UNCHANGED);
        WorklistChange late = await(store.scheduleWorklistItem(moved, true));
        assertThat(late.outcome()).isEqualTo(Outcome.CONFLICT);
        assertThat(late.current().status()).isEqualTo(StepStatus.CANCELED);
        assertThat(await(store.endWorklistItem(ct.itemId(), StepStatus.DISCONTINUED)).outcome())
                .isEqualTo(Outcome.CONFLICT);
        assertThat(await(store.endWorklistItem("no-such-" + d.token, StepStatus.CANCELED)).outcome())
                .isEqualTo(Outcome.NOT_FOUND);

        List<JournalEntry> entries = itemEntries(ct.itemId());
        assertThat(entries).extracting(JournalEntry::position).containsExactly(created.journalPosition(),
                replaced.journalPosition(), entries.get(2).position(), cancelled.journalPosition());
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.op()).isEqualTo(JournalOp.WORKLIST_UPDATE);
            assertThat(e.partition()).isZero();
        });

        assertThat(failureOf(store.endWorklistItem(ct.itemId(), StepStatus.COMPLETED)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(failureOf(store.scheduleWorklistItem(ct.withStatus(StepStatus.STARTED, "1.2.3"), true)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyActiveItemsAreOnTheWorklistAndMatchingAgreesWithTheReference() {
        TestData d = new TestData();
        String[] stations = {"CT1", "CT2", "MR1"};
        String[] names = {"Müller^Jörg", "muller^jorg", "O'Brien^Seán", "Smith^Ann", "Smith^Anne", "Zhang^Wei"};
        List<WorklistItem> items = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String station = stations[i % 3];
            String date = "202503" + String.format("%02d", 10 + i % 4);
            String time = i % 5 == 0 ? null : String.format("%02d%02d", 7 + i % 10, i % 2 * 30);
            items.add(item(d, "Q" + (i % 7), names[i % names.length], "ACC" + i, i % 11 == 0 ? null : station,
                    station.startsWith("MR") ? "MR" : "CT", i % 13 == 12 ? null : date, time));
        }
        await(CompletableFuture.allOf(items.stream().map(i -> store.scheduleWorklistItem(i, true)
                .toCompletableFuture()).toArray(CompletableFuture[]::new)));
        await(store.endWorklistItem(items.get(1).itemId(), StepStatus.CANCELED));
        await(store.endWorklistItem(items.get(2).itemId(), StepStatus.DISCONTINUED));
        List<WorklistItem> stored = items.stream().map(i -> await(store.worklistItem(i.itemId())).orElseThrow())
                .toList();

        List<Map<WorklistKey, Match>> queries = List.of(
                Map.of(),
                Map.of(WorklistKey.STATION_AE_TITLE, new Match.Single("CT1")),
                Map.of(WorklistKey.STATION_AE_TITLE, new Match.AnyOf(List.of("CT2", "MR1"))),
                Map.of(WorklistKey.STATION_AE_TITLE, new Match.Wildcard("CT*")),
                Map.of(WorklistKey.START_DATE, new Match.Single("20250311")),
                Map.of(WorklistKey.START_DATE, new Match.Range("20250311", "20250312")),
                Map.of(WorklistKey.START_DATE, new Match.Range(null, "20250311"),
                        WorklistKey.STATION_AE_TITLE, new Match.Single("MR1")),
                Map.of(WorklistKey.START_TIME, new Match.Range("0800", "1130")),
                Map.of(WorklistKey.START_TIME, Match.EMPTY),
                Map.of(WorklistKey.STATION_AE_TITLE, Match.EMPTY),
                Map.of(WorklistKey.MODALITY, new Match.Single("MR")),
                Map.of(WorklistKey.PATIENT_ID, new Match.Single("Q3")),
                Map.of(WorklistKey.PATIENT_NAME, new Match.Wildcard("Smith^Ann*")),
                Map.of(WorklistKey.PATIENT_NAME, new Match.Single("MULLER^JORG")),
                Map.of(WorklistKey.PATIENT_NAME, new Match.Wildcard("m?ller*")),
                Map.of(WorklistKey.ACCESSION_NUMBER, new Match.Single("ACC7")),
                Map.of(WorklistKey.REQUESTED_PROCEDURE_ID, new Match.Single("RP-ACC8")),
                Map.of(WorklistKey.STEP_ID, new Match.Single("SPS-ACC9")),
                Map.of(WorklistKey.STUDY_INSTANCE_UID, new Match.Single(items.get(4).studyInstanceUid())),
                Map.of(WorklistKey.STATUS, new Match.Single("CANCELED")),
                Map.of(WorklistKey.STATUS, new Match.AnyOf(List.of("SCHEDULED", "STARTED")),
                        WorklistKey.MODALITY, new Match.Single("CT")));
        for (boolean ci : new boolean[] {false, true}) {
            for (Map<WorklistKey, Match> m : queries) {
                WorklistQuery.Builder b = scopedTo(d).caseInsensitiveNames(ci).limit(7);
                m.forEach(b::match);
                WorklistQuery q = b.build();
                Set<String> expected = stored.stream().filter(q::test).map(WorklistItem::itemId)
                        .collect(Collectors.toSet());
                assertThat(ids(all(q))).as("%s (case-insensitive names: %s)", m, ci).isEqualTo(expected);
            }
        }
        // What the worklist answers modalities: active items only.
        WorklistQuery active = scopedTo(d).match(WorklistKey.STATUS,
                new Match.AnyOf(List.of("SCHEDULED", "STARTED"))).limit(4).build();
        assertThat(ids(all(active))).hasSize(28).doesNotContain(items.get(1).itemId(), items.get(2).itemId());
        assertThat(all(active)).allSatisfy(i -> assertThat(i).isEqualTo(stored.stream()
                .filter(s -> s.itemId().equals(i.itemId())).findFirst().orElseThrow()));
    }

    @Test
    void aPerformedStepStartsAndCompletesItsItems() {
        TestData d = new TestData();
        WorklistItem one = item(d, "M1", "Step^One", "B1", "CT1", "CT", "20250312", "1000");
        WorklistItem two = item(d, "M1", "Step^One", "B2", "CT1", "CT", "20250312", "1015");
        WorklistItem cancelled = item(d, "M1", "Step^One", "B3", "CT1", "CT", "20250312", "1030");
        for (WorklistItem i : List.of(one, two, cancelled)) await(store.scheduleWorklistItem(i, true));
        await(store.endWorklistItem(cancelled.itemId(), StepStatus.CANCELED));
        String uid = d.uid();
        PerformedStep started = new PerformedStep(uid, PerformedStep.Status.IN_PROGRESS,
                List.of(one.itemId(), two.itemId(), cancelled.itemId(), "unknown-" + d.token), TestData.blob("pps 1"));

        PerformedStepChange created = await(store.createPerformedStep(started));
        assertThat(created.outcome()).isEqualTo(PerformedStepChange.Outcome.CREATED);
        assertThat(await(store.performedStep(uid))).contains(started);
        for (WorklistItem i : List.of(one, two)) {
            WorklistItem now = await(store.worklistItem(i.itemId())).orElseThrow();
            assertThat(now.status()).isEqualTo(StepStatus.STARTED);
            assertThat(now.performedStepUid()).isEqualTo(uid);
        }
        assertThat(await(store.worklistItem(cancelled.itemId())).orElseThrow().status()).isEqualTo(StepStatus.CANCELED);
        assertThat(await(store.createPerformedStep(started)).outcome()).isEqualTo(PerformedStepChange.Outcome.EXISTS);
        // A started step is still on the worklist, and can no longer be changed by its order.
        assertThat(ids(all(scopedTo(d).match(WorklistKey.STATUS, new Match.Single("STARTED")).build())))
                .containsExactlyInAnyOrder(one.itemId(), two.itemId());
        assertThat(await(store.scheduleWorklistItem(one, false)).outcome()).isEqualTo(Outcome.CONFLICT);
        assertThat(await(store.endWorklistItem(one.itemId(), StepStatus.CANCELED)).outcome())
                .isEqualTo(Outcome.CONFLICT);

        PerformedStep progress = new PerformedStep(uid, PerformedStep.Status.IN_PROGRESS, List.of(),
                TestData.blob("pps 2"));
        PerformedStepChange updated = await(store.updatePerformedStep(progress));
        assertThat(updated.outcome()).isEqualTo(PerformedStepChange.Outcome.UPDATED);
        assertThat(updated.current().worklistItemIds()).as("items are fixed at creation")
                .isEqualTo(started.worklistItemIds());
        PerformedStep done = new PerformedStep(uid, PerformedStep.Status.COMPLETED, List.of(), TestData.blob("pps 3"));
        PerformedStepChange completed = await(store.updatePerformedStep(done));
        assertThat(completed.outcome()).isEqualTo(PerformedStepChange.Outcome.UPDATED);
        assertThat(await(store.performedStep(uid)).orElseThrow().status()).isEqualTo(PerformedStep.Status.COMPLETED);
        assertThat(await(store.performedStep(uid)).orElseThrow().attributes()).isEqualTo(TestData.blob("pps 3"));
        for (WorklistItem i : List.of(one, two))
            assertThat(await(store.worklistItem(i.itemId())).orElseThrow().status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(all(scopedTo(d).match(WorklistKey.STATUS, new Match.AnyOf(List.of("SCHEDULED", "STARTED")))
                .build())).isEmpty();

        PerformedStepChange again = await(store.updatePerformedStep(progress));
        assertThat(again.outcome()).isEqualTo(PerformedStepChange.Outcome.NOT_IN_PROGRESS);
        assertThat(again.current().status()).isEqualTo(PerformedStep.Status.COMPLETED);
        assertThat(await(store.updatePerformedStep(new PerformedStep(d.uid(), PerformedStep.Status.COMPLETED,
                List.of(), null))).outcome()).isEqualTo(PerformedStepChange.Outcome.NOT_FOUND);
        assertThat(failureOf(store.createPerformedStep(done))).isInstanceOf(IllegalArgumentException.class);

        List<JournalEntry> stepEntries = journal(e -> e.op() == JournalOp.PERFORMED_STEP_UPDATE
                && uid.equals(e.sopInstanceUid()));
        assertThat(stepEntries).extracting(JournalEntry::position).containsExactly(created.journalPosition(),
                updated.journalPosition(), completed.journalPosition());
        // Created, started, completed.
        assertThat(itemEntries(one.itemId())).hasSize(3);
        assertThat(itemEntries(cancelled.itemId())).hasSize(2);
    }

    @Test
    void aDiscontinuedStepLeavesTheWorklistAndUnscheduledStepsAreKept() {
        TestData d = new TestData();
        WorklistItem i = item(d, "D1", "Dis^Continued", "C1", "MR1", "MR", "20250313", "1400");
        await(store.scheduleWorklistItem(i, true));
        String uid = d.uid();
        await(store.createPerformedStep(new PerformedStep(uid, PerformedStep.Status.IN_PROGRESS,
                List.of(i.itemId()), TestData.blob("x"))));
        await(store.updatePerformedStep(new PerformedStep(uid, PerformedStep.Status.DISCONTINUED, List.of(),
                TestData.blob("y"))));
        assertThat(await(store.worklistItem(i.itemId())).orElseThrow().status()).isEqualTo(StepStatus.DISCONTINUED);

        // A step the order discontinues while it is performed.
        WorklistItem j = item(d, "D1", "Dis^Continued", "C2", "MR1", "MR", "20250313", "1500");
        await(store.scheduleWorklistItem(j, true));
        await(store.createPerformedStep(new PerformedStep(d.uid(), PerformedStep.Status.IN_PROGRESS,
                List.of(j.itemId()), null)));
        assertThat(await(store.endWorklistItem(j.itemId(), StepStatus.DISCONTINUED)).outcome())
                .isEqualTo(Outcome.CHANGED);
        assertThat(all(scopedTo(d).match(WorklistKey.STATUS, new Match.AnyOf(List.of("SCHEDULED", "STARTED")))
                .build())).isEmpty();

        String unscheduled = d.uid();
        assertThat(await(store.createPerformedStep(new PerformedStep(unscheduled, PerformedStep.Status.IN_PROGRESS,
                List.of(), TestData.blob("walk-in")))).outcome()).isEqualTo(PerformedStepChange.Outcome.CREATED);
        assertThat(await(store.performedStep(unscheduled)).orElseThrow().worklistItemIds()).isEmpty();
    }

    @Test
    void concurrentChangesOfOneItemApplyInSomeSerialOrder() {
        TestData d = new TestData();
        WorklistItem i = item(d, "K1", "Con^Current", "K1", "CT1", "CT", "20250314", "0800");
        await(store.scheduleWorklistItem(i, true));
        List<CompletableFuture<WorklistChange>> changes = IntStream.range(0, 8).mapToObj(n -> (n % 2 == 0
                ? store.endWorklistItem(i.itemId(), StepStatus.CANCELED)
                : store.endWorklistItem(i.itemId(), StepStatus.DISCONTINUED)).toCompletableFuture()).toList();
        List<WorklistChange> results = changes.stream().map(MetadataContractBase::await).toList();
        // Exactly one of them moved it; the others found it ended (by the same or the other status).
        assertThat(results.stream().filter(c -> c.outcome() == Outcome.CHANGED)).hasSize(1);
        StepStatus end = await(store.worklistItem(i.itemId())).orElseThrow().status();
        assertThat(end).isIn(StepStatus.CANCELED, StepStatus.DISCONTINUED);
        for (WorklistChange c : results) {
            if (c.outcome() == Outcome.CHANGED) continue;
            assertThat(c.outcome()).isIn(Outcome.UNCHANGED, Outcome.CONFLICT);
            assertThat(c.current().status()).isEqualTo(end);
        }
        assertThat(itemEntries(i.itemId()).size()).isGreaterThanOrEqualTo(2);
        assertThat(all(scopedTo(d).match(WorklistKey.STATUS, new Match.AnyOf(List.of("SCHEDULED", "STARTED")))
                .build())).isEmpty();
    }

    @Test
    void rejectsInvalidQueries() {
        assertThatThrownBy(() -> new WorklistQuery.Builder().match(WorklistKey.START_DATE,
                new Match.Wildcard("2025*")).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorklistQuery.Builder().limit(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        WorklistQuery q = new WorklistQuery.Builder().build();
        assertThat(failureOf(store.findWorklist(q.nextPage("garbage")))).isInstanceOf(IllegalArgumentException.class);
    }
}
