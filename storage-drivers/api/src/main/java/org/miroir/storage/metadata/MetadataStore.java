package org.miroir.storage.metadata;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.miroir.storage.Health;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;
import org.miroir.storage.worklist.PerformedStep;
import org.miroir.storage.worklist.PerformedStepChange;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistChange;
import org.miroir.storage.worklist.WorklistItem;
import org.miroir.storage.worklist.WorklistQuery;

/**
 * The index of patients, studies, series and instances, the modality worklist and its performed steps, and the
 * replication journal.
 *
 * <p>Every operation returns at once; its stage completes on a driver thread (callers must not block in callbacks,
 * use the {@code *Async} variants for real work). Failures complete the stage with {@link IllegalArgumentException}
 * (invalid request) or {@link org.miroir.storage.StorageException} (store unavailable, saturated or closed). Every
 * internal queue is bounded: a saturated store fails fast rather than queueing without limit.
 *
 * <p>Consistency: once a write's stage completes, the write is durable and visible to every later read.
 */
public interface MetadataStore extends AutoCloseable {

    /**
     * Indexes one instance: patient, study, series and instance rows plus a {@link JournalOp#STORE} journal entry, all
     * or nothing. An already indexed SOP Instance UID follows {@code policy}, decided atomically with the write, so
     * concurrent writers of one SOP Instance UID never corrupt rows: exactly one of them {@code STORED}, the others are
     * {@code IGNORED}/{@code REJECTED}, or, under {@code OVERWRITE}, each {@code REPLACED} its predecessor in some
     * serial order. Object keys must be unique per write, so that an ignored write's object can be deleted safely.
     *
     * <p>The instance's patient is the one its Patient ID and Issuer name, unless that patient was merged into
     * another ({@link #mergePatients}): then the study is filed under the surviving patient. A patient the registry
     * set ({@link #updatePatient}) keeps its demographics; otherwise the latest stored instance's values win.
     */
    CompletionStage<StoreOutcome> store(StoreRequest request, DuplicatePolicy policy);

    // ---------------------------------------------------------------- patients (HL7 ADT)

    /**
     * Sets a patient's demographics from the patient registry (HL7 ADT A01, A04, A08): creates the patient or
     * replaces its values and attributes with {@code patient}'s, and marks it registered: later stores do not change
     * them, deleting its last study keeps it, and a merge into it is undone. Studies already stored show the new
     * values at once (they are read from the patient). Writes a {@link JournalOp#PATIENT_UPDATE} entry with it;
     * completes with its position.
     */
    CompletionStage<String> updatePatient(PatientRecord patient);

    /**
     * Merges {@code prior} into {@code surviving} (HL7 A40): sets the surviving patient as {@link #updatePatient}
     * does, moves every study of the prior patient to it, and removes the prior patient; instances stored later
     * under the prior patient's key are filed under the surviving one. Writes a {@link JournalOp#PATIENT_MERGE}
     * entry; completes with its position. Merging a patient into itself is an invalid request; an unknown prior
     * patient is not an error (the merge then only sets the surviving patient).
     */
    CompletionStage<String> mergePatients(PatientKey prior, PatientRecord surviving);

    /**
     * A patient with its attributes, whether registered or known from its studies; empty when unknown or merged
     * into another.
     */
    CompletionStage<Optional<PatientRecord>> patient(PatientKey key);

    // ---------------------------------------------------------------- modality worklist (HL7 orders, MPPS)

    /**
     * Creates a worklist item ({@code create}; HL7 order NW) or replaces one (HL7 XO, or NW sent again), as long as
     * its status is {@link StepStatus#SCHEDULED}: {@code CREATED}, {@code REPLACED}, {@code NOT_FOUND} (absent and
     * not {@code create}) or {@code CONFLICT} (the step has started or ended). {@code item} must be
     * {@code SCHEDULED} and without performed step. Writes a {@link JournalOp#WORKLIST_UPDATE} entry with a change.
     */
    CompletionStage<WorklistChange> scheduleWorklistItem(WorklistItem item, boolean create);

    /**
     * Ends a worklist item: {@link StepStatus#CANCELED} from {@code SCHEDULED} (HL7 CA), or
     * {@link StepStatus#DISCONTINUED} from {@code SCHEDULED} or {@code STARTED} (HL7 DC). {@code CHANGED},
     * {@code UNCHANGED} (already so), {@code NOT_FOUND} or {@code CONFLICT}; a change writes a
     * {@link JournalOp#WORKLIST_UPDATE} entry.
     */
    CompletionStage<WorklistChange> endWorklistItem(String itemId, StepStatus status);

    /** One worklist item, whatever its status; empty when unknown. */
    CompletionStage<Optional<WorklistItem>> worklistItem(String itemId);

    /** Worklist items matching {@code query} (with their attributes), one page. */
    CompletionStage<Page<WorklistItem>> findWorklist(WorklistQuery query);

    /**
     * Records a new Modality Performed Procedure Step (MPPS N-CREATE), which must be
     * {@link PerformedStep.Status#IN_PROGRESS}; its worklist items still {@code SCHEDULED} become
     * {@link StepStatus#STARTED} by it. {@code CREATED} or {@code EXISTS}. Writes a
     * {@link JournalOp#PERFORMED_STEP_UPDATE} entry, and a {@link JournalOp#WORKLIST_UPDATE} entry per item moved.
     */
    CompletionStage<PerformedStepChange> createPerformedStep(PerformedStep step);

    /**
     * Updates a performed step still in progress (MPPS N-SET) with {@code step}'s status and attributes (its
     * worklist items stay those it was created with). When the new status is final, its items still
     * {@code SCHEDULED} or {@code STARTED} become {@link StepStatus#COMPLETED} or {@link StepStatus#DISCONTINUED}.
     * {@code UPDATED}, {@code NOT_FOUND} or {@code NOT_IN_PROGRESS}; journal entries as for create.
     */
    CompletionStage<PerformedStepChange> updatePerformedStep(PerformedStep step);

    /** One performed step; empty when unknown. */
    CompletionStage<Optional<PerformedStep>> performedStep(String sopInstanceUid);

    // ---------------------------------------------------------------- studies, series, instances

    /** Patient-level query: keys of the patient level only. */
    CompletionStage<Page<PatientRecord>> findPatients(Query query);

    /** Study-level query: keys of the patient and study levels. */
    CompletionStage<Page<StudyRecord>> findStudies(Query query);

    /** Series-level query: keys of the series level and above. */
    CompletionStage<Page<SeriesRecord>> findSeries(Query query);

    /** Instance-level query: keys of any level. */
    CompletionStage<Page<InstanceRecord>> findInstances(Query query);

    /**
     * Every instance of a study, or of one of its series when {@code seriesInstanceUid} is not {@code null}, without
     * attributes: what C-MOVE, C-GET and WADO-RS retrieve. Empty when nothing matches.
     */
    CompletionStage<List<InstanceRecord>> instancesOf(String studyInstanceUid, String seriesInstanceUid);

    /** Removes a study with a {@link JournalOp#DELETE_STUDY} entry; parents left empty are removed too. */
    CompletionStage<Deletion> deleteStudy(String studyInstanceUid);

    CompletionStage<Deletion> deleteSeries(String studyInstanceUid, String seriesInstanceUid);

    CompletionStage<Deletion> deleteInstance(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid);

    /**
     * Which of {@code objectKeys} (at most 1,000) some indexed instance points to: lets the orphan sweeper delete
     * the others (only those older than any write in flight).
     */
    CompletionStage<Set<String>> referencedObjectKeys(Collection<String> objectKeys);

    /** How many journal partitions there are, numbered from 0; fixed for a store's lifetime. */
    int journalPartitions();

    /**
     * How long a journal entry written by another node may stay hidden from {@link #readJournal} readers after it
     * was written (a store that cannot see other writers' batches in flight holds entries back this long). Entries
     * reach a mirror no sooner, so a replication RPO objective below it cannot be met. No default: a decorator that
     * forgot to forward it would answer zero and let an impossible objective through.
     */
    Duration journalHoldBack();

    /**
     * Journal entries of one partition after {@code afterPosition} ({@code null}: from the oldest kept), in write
     * order, at most {@code limit} (1..10,000). No gaps appear behind a reader: an entry becomes visible only once
     * every entry before it in its partition is visible, so advancing a watermark to the last entry read never skips
     * one (a driver whose writes can commit out of order delays visibility to keep this promise).
     */
    CompletionStage<List<JournalEntry>> readJournal(int partition, String afterPosition, int limit);

    /** Drops entries of one partition up to and including {@code throughPosition} (once the mirror has them). */
    CompletionStage<Void> trimJournal(int partition, String throughPosition);

    /** The cluster-wide configuration entries of one section, in key order (empty when there are none). */
    CompletionStage<List<ConfigEntry>> configEntries(String section);

    /** Creates or replaces one configuration entry; durable and visible to every node once the stage completes. */
    CompletionStage<Void> putConfigEntry(ConfigEntry entry);

    /** Removes one configuration entry; {@code false} when there was none. */
    CompletionStage<Boolean> deleteConfigEntry(String section, String key);

    /** Whether the store is reachable and accepts writes. Never fails: problems are reported as down. */
    CompletionStage<Health> health();

    /** Completes queued writes, then releases resources; later calls fail with a StorageException. */
    @Override
    void close();
}
