package org.miroir.storage.metadata;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.miroir.storage.Health;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;

/**
 * The index of patients, studies, series and instances, and the replication journal.
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
     */
    CompletionStage<StoreOutcome> store(StoreRequest request, DuplicatePolicy policy);

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
