package org.miroir.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.miroir.storage.metadata.ConfigEntry;
import org.miroir.storage.metadata.MetadataStore;

/**
 * The contract of the cluster-wide configuration entries of {@link MetadataStore}: what the AE registry and shared
 * settings rely on. Every test uses sections of its own, so the store may hold other entries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class ConfigEntryContract {
    private MetadataStore store;

    /** Opens the store under test (once per class); the contract closes it. */
    protected abstract MetadataStore openStore() throws Exception;

    @BeforeAll
    void open() throws Exception {
        store = openStore();
    }

    @AfterAll
    void close() {
        if (store != null) store.close();
    }

    private static String section() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** Millisecond precision: what every driver keeps of a timestamp. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void entriesAreWrittenReplacedListedInKeyOrderAndDeleted() throws Exception {
        String section = section();
        assertThat(await(store.configEntries(section))).isEmpty();
        Instant t = now();
        ConfigEntry b = new ConfigEntry(section, "STORESCP_B", "{\"host\":\"10.0.0.2\",\"port\":104}", t);
        ConfigEntry a = new ConfigEntry(section, "MODALITY_A", "{\"host\":\"10.0.0.1\",\"port\":11112}", t);
        await(store.putConfigEntry(b));
        await(store.putConfigEntry(a));
        assertThat(await(store.configEntries(section))).containsExactly(a, b);

        ConfigEntry b2 = new ConfigEntry(section, "STORESCP_B", "{\"host\":\"10.0.0.3\",\"port\":105}", t.plusSeconds(1));
        await(store.putConfigEntry(b2));
        assertThat(await(store.configEntries(section))).containsExactly(a, b2);

        assertThat(await(store.deleteConfigEntry(section, "MODALITY_A"))).isTrue();
        assertThat(await(store.deleteConfigEntry(section, "MODALITY_A"))).isFalse();
        assertThat(await(store.configEntries(section))).containsExactly(b2);
    }

    @Test
    void sectionsAreSeparate() throws Exception {
        String one = section(), two = section();
        await(store.putConfigEntry(new ConfigEntry(one, "k", "1", now())));
        await(store.putConfigEntry(new ConfigEntry(two, "k", "2", now())));
        assertThat(await(store.configEntries(one))).extracting(ConfigEntry::value).containsExactly("1");
        assertThat(await(store.configEntries(two))).extracting(ConfigEntry::value).containsExactly("2");
        assertThat(await(store.deleteConfigEntry(one, "k"))).isTrue();
        assertThat(await(store.configEntries(two))).hasSize(1);
    }

    @Test
    void manyEntriesAndLargeValuesComeBackWhole() throws Exception {
        String section = section();
        String big = "\"" + "x".repeat(ConfigEntry.MAX_VALUE_CHARS - 2) + "\"";
        for (int i = 0; i < 300; i++)
            await(store.putConfigEntry(new ConfigEntry(section, String.format("AE%04d", i), i == 7 ? big : "{}", now())));
        List<ConfigEntry> all = await(store.configEntries(section));
        assertThat(all).hasSize(300);
        assertThat(all.get(7).value()).isEqualTo(big);
        assertThat(all).extracting(ConfigEntry::key).isSorted();
    }

    @Test
    void invalidNamesAndValuesAreRefused() {
        assertThatThrownBy(() -> new ConfigEntry("", "k", "{}", now())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConfigEntry("s", "k\n", "{}", now())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConfigEntry("s", "k", "x".repeat(ConfigEntry.MAX_VALUE_CHARS + 1), now()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> await(store.configEntries(" "))).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> await(store.deleteConfigEntry("s", ""))).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }
}
