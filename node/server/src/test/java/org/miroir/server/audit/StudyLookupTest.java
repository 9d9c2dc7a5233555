package org.miroir.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StudyLookupTest {
    private static Map<String, Map<String, List<String>>> studies(int n) {
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) out.put("1.2." + i, Map.of("1.2.840.10008.5.1.4.1.1.2", List.of("1.3." + i)));
        return out;
    }

    /** An association that stored thousands of studies looks them up a few at a time, not all at once. */
    @Test
    void describesEveryStudyInOrderAFewAtATime() throws Exception {
        AtomicInteger running = new AtomicInteger(), most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<StudyRef> refs = StudyLookup.describeAll((uid, classes) -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                return CompletableFuture.supplyAsync(() -> {
                    running.decrementAndGet();
                    return StudyLookup.ref(uid, null, classes);
                }, CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS, pool));
            }, studies(500)).toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertThat(refs).extracting(StudyRef::studyInstanceUid).containsExactlyElementsOf(studies(500).keySet());
            assertThat(most.get()).isBetween(1, StudyLookup.PARALLELISM);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void lookUpsThatAnswerAtOnceNeitherRecurseNorStall() throws Exception {
        List<StudyRef> refs = StudyLookup.describeAll((uid, classes) -> CompletableFuture.completedFuture(
                StudyLookup.ref(uid, null, classes)), studies(100_000)).toCompletableFuture().get(1, TimeUnit.MINUTES);
        assertThat(refs).hasSize(100_000);
        assertThat(refs.get(99_999).sopClasses()).containsKey("1.2.840.10008.5.1.4.1.1.2");
        assertThat(StudyLookup.describeAll((uid, classes) -> null, Map.of()).toCompletableFuture().get()).isEmpty();
    }
}
