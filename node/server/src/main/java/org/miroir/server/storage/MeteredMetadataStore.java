package org.miroir.server.storage;

import org.miroir.storage.Health;
import org.miroir.storage.metadata.ConfigEntry;
import org.miroir.storage.metadata.Deletion;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.PatientKey;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StoreOutcome;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;
import org.miroir.storage.worklist.PerformedStep;
import org.miroir.storage.worklist.PerformedStepChange;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistChange;
import org.miroir.storage.worklist.WorklistItem;
import org.miroir.storage.worklist.WorklistQuery;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** A metadata store whose calls are timed until their stage completes, and whose failures are counted ({@link CallMeter}). */
public final class MeteredMetadataStore implements MetadataStore {
    private final MetadataStore delegate;
    private final CallMeter meter;

    MeteredMetadataStore(MetadataStore delegate, CallMeter meter) {
        this.delegate = delegate;
        this.meter = meter;
    }

    @Override
    public CompletionStage<StoreOutcome> store(StoreRequest request, DuplicatePolicy policy) {
        return meter.async("store", () -> delegate.store(request, policy));
    }

    @Override
    public CompletionStage<String> updatePatient(PatientRecord patient) {
        return meter.async("updatePatient", () -> delegate.updatePatient(patient));
    }

    @Override
    public CompletionStage<String> mergePatients(PatientKey prior, PatientRecord surviving) {
        return meter.async("mergePatients", () -> delegate.mergePatients(prior, surviving));
    }

    @Override
    public CompletionStage<Optional<PatientRecord>> patient(PatientKey key) {
        return meter.async("patient", () -> delegate.patient(key));
    }

    @Override
    public CompletionStage<WorklistChange> scheduleWorklistItem(WorklistItem item, boolean create) {
        return meter.async("scheduleWorklistItem", () -> delegate.scheduleWorklistItem(item, create));
    }

    @Override
    public CompletionStage<WorklistChange> endWorklistItem(String itemId, StepStatus status) {
        return meter.async("endWorklistItem", () -> delegate.endWorklistItem(itemId, status));
    }

    @Override
    public CompletionStage<Optional<WorklistItem>> worklistItem(String itemId) {
        return meter.async("worklistItem", () -> delegate.worklistItem(itemId));
    }

    @Override
    public CompletionStage<Page<WorklistItem>> findWorklist(WorklistQuery query) {
        return meter.async("findWorklist", () -> delegate.findWorklist(query));
    }

    @Override
    public CompletionStage<PerformedStepChange> createPerformedStep(PerformedStep step) {
        return meter.async("createPerformedStep", () -> delegate.createPerformedStep(step));
    }

    @Override
    public CompletionStage<PerformedStepChange> updatePerformedStep(PerformedStep step) {
        return meter.async("updatePerformedStep", () -> delegate.updatePerformedStep(step));
    }

    @Override
    public CompletionStage<Optional<PerformedStep>> performedStep(String sopInstanceUid) {
        return meter.async("performedStep", () -> delegate.performedStep(sopInstanceUid));
    }

    @Override
    public CompletionStage<Page<PatientRecord>> findPatients(Query query) {
        return meter.async("findPatients", () -> delegate.findPatients(query));
    }

    @Override
    public CompletionStage<Page<StudyRecord>> findStudies(Query query) {
        return meter.async("findStudies", () -> delegate.findStudies(query));
    }

    @Override
    public CompletionStage<Page<SeriesRecord>> findSeries(Query query) {
        return meter.async("findSeries", () -> delegate.findSeries(query));
    }

    @Override
    public CompletionStage<Page<InstanceRecord>> findInstances(Query query) {
        return meter.async("findInstances", () -> delegate.findInstances(query));
    }

    @Override
    public CompletionStage<List<InstanceRecord>> instancesOf(String studyInstanceUid, String seriesInstanceUid) {
        return meter.async("instancesOf", () -> delegate.instancesOf(studyInstanceUid, seriesInstanceUid));
    }

    @Override
    public CompletionStage<Deletion> deleteStudy(String studyInstanceUid) {
        return meter.async("deleteStudy", () -> delegate.deleteStudy(studyInstanceUid));
    }

    @Override
    public CompletionStage<Deletion> deleteSeries(String studyInstanceUid, String seriesInstanceUid) {
        return meter.async("deleteSeries", () -> delegate.deleteSeries(studyInstanceUid, seriesInstanceUid));
    }

    @Override
    public CompletionStage<Deletion> deleteInstance(String studyInstanceUid, String seriesInstanceUid,
            String sopInstanceUid) {
        return meter.async("deleteInstance",
                () -> delegate.deleteInstance(studyInstanceUid, seriesInstanceUid, sopInstanceUid));
    }

    @Override
    public CompletionStage<Set<String>> referencedObjectKeys(Collection<String> objectKeys) {
        return meter.async("referencedObjectKeys", () -> delegate.referencedObjectKeys(objectKeys));
    }

    @Override
    public int journalPartitions() {
        return delegate.journalPartitions();
    }

    @Override
    public Duration journalHoldBack() {
        return delegate.journalHoldBack();
    }

    @Override
    public CompletionStage<List<JournalEntry>> readJournal(int partition, String afterPosition, int limit) {
        return meter.async("readJournal", () -> delegate.readJournal(partition, afterPosition, limit));
    }

    @Override
    public CompletionStage<Void> trimJournal(int partition, String throughPosition) {
        return meter.async("trimJournal", () -> delegate.trimJournal(partition, throughPosition));
    }

    @Override
    public CompletionStage<List<ConfigEntry>> configEntries(String section) {
        return meter.async("configEntries", () -> delegate.configEntries(section));
    }

    @Override
    public CompletionStage<Void> putConfigEntry(ConfigEntry entry) {
        return meter.async("putConfigEntry", () -> delegate.putConfigEntry(entry));
    }

    @Override
    public CompletionStage<Boolean> deleteConfigEntry(String section, String key) {
        return meter.async("deleteConfigEntry", () -> delegate.deleteConfigEntry(section, key));
    }

    /** A store that answers "down" counts as an unavailable call. */
    @Override
    public CompletionStage<Health> health() {
        return meter.async("health", delegate::health).thenApply(h -> {
            if (!h.up()) meter.failed("health", "unavailable");
            return h;
        });
    }

    @Override
    public void close() {
        delegate.close();
    }
}
