package org.miroir.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;

/**
 * What the metadata contracts share: one store per class (tests scope their data by their own issuer and UIDs, so it
 * may hold other data), and helpers to wait for stages, page through queries and read the journal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public abstract class MetadataContractBase {
    protected static final long WAIT_SECONDS = 120;
    protected MetadataStore store;

    /** Opens the store under test (called once per class). */
    protected abstract MetadataStore openStore() throws Exception;

    @BeforeAll
    void openStoreUnderTest() throws Exception {
        store = openStore();
    }

    @AfterAll
    void closeStoreUnderTest() {
        if (store != null) store.close();
    }

    protected static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("stage did not complete in " + WAIT_SECONDS + " s", e);
        }
    }

    protected static Throwable failureOf(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("stage did not complete in " + WAIT_SECONDS + " s", e);
        }
        throw new AssertionError("stage succeeded but should have failed");
    }

    /** Every page of a query, following tokens (bounded so a broken token cannot loop forever). */
    protected static <T> List<T> allPages(Query q, Function<Query, CompletionStage<Page<T>>> find) {
        return allPages(q, find, Query::nextPage, q.limit());
    }

    /** {@link #allPages(Query, Function)} for any kind of query: {@code next} resumes it at a token. */
    protected static <Q, T> List<T> allPages(Q q, Function<Q, CompletionStage<Page<T>>> find, BiFunction<Q, String, Q> next,
            int limit) {
        List<T> out = new ArrayList<>();
        Q page = q;
        for (int pages = 0; ; pages++) {
            Page<T> p = await(find.apply(page));
            assertThat(p.items().size()).isLessThanOrEqualTo(limit);
            out.addAll(p.items());
            if (!p.hasMore()) return out;
            if (pages > 100_000) fail("paging does not end");
            page = next.apply(q, p.nextPageToken());
        }
    }

    protected static Query.Builder scoped(TestData d) {
        return Query.builder().match(QueryKey.ISSUER_OF_PATIENT_ID, new Match.Single(d.issuer));
    }

    /** Every journal entry of every partition, in order per partition. */
    protected List<JournalEntry> journal(Predicate<JournalEntry> which) {
        return journal(store, which);
    }

    /** Every journal entry of {@code store}'s partitions, in order per partition. */
    protected static List<JournalEntry> journal(MetadataStore store, Predicate<JournalEntry> which) {
        List<JournalEntry> out = new ArrayList<>();
        for (int p = 0; p < store.journalPartitions(); p++) {
            String after = null;
            while (true) {
                List<JournalEntry> batch = await(store.readJournal(p, after, 5000));
                batch.stream().filter(which).forEach(out::add);
                if (batch.isEmpty()) break;
                after = batch.get(batch.size() - 1).position();
            }
        }
        return out;
    }
}
