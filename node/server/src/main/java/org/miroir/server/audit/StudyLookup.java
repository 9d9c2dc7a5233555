package org.miroir.server.audit;

import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A study's index record by its UID: the patient and accession number audit messages name, and access checks. */
public final class StudyLookup {
    private StudyLookup() {}

    public static CompletionStage<Optional<StudyRecord>> find(MetadataStore metadata, String studyInstanceUid) {
        Query q = Query.builder().match(QueryKey.STUDY_INSTANCE_UID, new Match.Single(studyInstanceUid)).limit(1).build();
        return metadata.findStudies(q).thenApply(page -> page.items().stream().findFirst());
    }

    /** The study as an audit message names it, with these instances; only its UID when the index has no such study. */
    public static CompletionStage<StudyRef> describe(MetadataStore metadata, String studyInstanceUid,
            Map<String, List<String>> sopClasses) {
        return find(metadata, studyInstanceUid)
                .thenApply(s -> ref(studyInstanceUid, s.orElse(null), sopClasses))
                // The audit message goes out without the patient rather than not at all.
                .exceptionally(t -> ref(studyInstanceUid, null, sopClasses));
    }

    static StudyRef ref(String uid, StudyRecord s, Map<String, List<String>> sopClasses) {
        return s == null ? new StudyRef(uid, null, null, null, sopClasses)
                : new StudyRef(uid, s.patient().patientId(), s.patient().patientName(), s.accessionNumber(), sopClasses);
    }

    /** Every study described, in order. */
    public static CompletionStage<List<StudyRef>> describeAll(MetadataStore metadata,
            Map<String, Map<String, List<String>>> instancesByStudy) {
        List<CompletableFuture<StudyRef>> refs = instancesByStudy.entrySet().stream()
                .map(e -> describe(metadata, e.getKey(), e.getValue()).toCompletableFuture()).toList();
        return CompletableFuture.allOf(refs.toArray(CompletableFuture[]::new))
                .thenApply(v -> refs.stream().map(CompletableFuture::join).toList());
    }
}
