package org.miroir.server.audit;

import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

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

    /**
     * Every study described, in order, at most {@value #PARALLELISM} look-ups at a time: an association or a STOW-RS
     * request may have stored thousands of studies, and its audit message must not take the index's capacity from
     * the stores and queries running beside it.
     */
    public static CompletionStage<List<StudyRef>> describeAll(MetadataStore metadata,
            Map<String, Map<String, List<String>>> instancesByStudy) {
        return describeAll((uid, sopClasses) -> describe(metadata, uid, sopClasses), instancesByStudy);
    }

    static final int PARALLELISM = 4;

    /** {@link #describeAll(MetadataStore, Map)} with {@code lookup} describing one study (it never fails). */
    static CompletionStage<List<StudyRef>> describeAll(
            BiFunction<String, Map<String, List<String>>, CompletionStage<StudyRef>> lookup,
            Map<String, Map<String, List<String>>> instancesByStudy) {
        List<Map.Entry<String, Map<String, List<String>>>> entries = List.copyOf(instancesByStudy.entrySet());
        if (entries.isEmpty()) return CompletableFuture.completedFuture(List.of());
        StudyRef[] out = new StudyRef[entries.size()];
        CompletableFuture<List<StudyRef>> all = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        Runnable[] lane = new Runnable[1];
        lane[0] = () -> {
            // A loop, not recursion, while look-ups complete at once (an embedded index may answer synchronously).
            for (int i; (i = next.getAndIncrement()) < entries.size(); ) {
                var e = entries.get(i);
                int at = i;
                CompletableFuture<StudyRef> f = lookup.apply(e.getKey(), e.getValue()).toCompletableFuture();
                if (!f.isDone()) {
                    f.thenAccept(ref -> {
                        out[at] = ref;
                        if (done.incrementAndGet() == entries.size()) all.complete(Arrays.asList(out));
                        else lane[0].run();
                    });
                    return;
                }
                out[at] = f.join();
                if (done.incrementAndGet() == entries.size()) all.complete(Arrays.asList(out));
            }
        };
        for (int l = 0; l < Math.min(PARALLELISM, entries.size()); l++) lane[0].run();
        return all;
    }
}
