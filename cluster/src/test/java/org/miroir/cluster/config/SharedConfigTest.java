package org.miroir.cluster.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.cluster.Cluster;
import org.miroir.cluster.LoopbackCluster;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.metadata.MetadataStore;

/**
 * The AE registry shared by two members of a real Hazelcast cluster over one metadata store (the embedded driver;
 * the Cassandra driver passes the same store contract): a change made on one member reaches the other through the
 * event bus, long before the periodic refresh.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SharedConfigTest {
    @TempDir
    Path dir;

    @Test
    void aChangeOnOneMemberIsSeenByTheOtherAtOnce() throws Exception {
        try (MetadataStore store = StorageDrivers.provider("embedded")
                .openMetadataStore(StorageConfig.of(Map.of("data-dir", dir.toString())));
             LoopbackCluster cluster = new LoopbackCluster(2)) {
            Cluster a = cluster.start(0), b = cluster.start(1);
            RemoteAe fileAe = new RemoteAe("PACS_B", "10.1.1.1", 104);
            SharedConfig configA = new SharedConfig(a.vertx(), store), configB = new SharedConfig(b.vertx(), store);
            AeRegistry regA = new AeRegistry(configA, Map.of("PACS_B", fileAe));
            AeRegistry regB = new AeRegistry(configB, Map.of("PACS_B", fileAe));
            AtomicInteger changesSeenByB = new AtomicInteger();
            regB.onChange(changesSeenByB::incrementAndGet);
            // A refresh far beyond the test: only the announcement can carry the change in time.
            configA.start(Duration.ofHours(1)).await(30, TimeUnit.SECONDS);
            configB.start(Duration.ofHours(1)).await(30, TimeUnit.SECONDS);
            awaitSubscribed(a, b);
            awaitSubscribed(b, a);

            regA.put(new RemoteAe("VIEWER", "127.0.0.1", 4242)).await(30, TimeUnit.SECONDS);
            assertThat(regA.lookup("VIEWER")).contains(new RemoteAe("VIEWER", "127.0.0.1", 4242));
            await(() -> regB.lookup("VIEWER").isPresent());
            assertThat(regB.entries().get("VIEWER").source()).isEqualTo(AeRegistry.Source.CLUSTER);
            assertThat(changesSeenByB.get()).isEqualTo(1);

            // A cluster entry overrides the file's, and removing it brings the file's back.
            regB.put(new RemoteAe("PACS_B", "10.2.2.2", 11112)).await(30, TimeUnit.SECONDS);
            await(() -> regA.lookup("PACS_B").orElseThrow().host().equals("10.2.2.2"));
            assertThat(regA.remove("PACS_B").await(30, TimeUnit.SECONDS)).isTrue();
            await(() -> regB.lookup("PACS_B").orElseThrow().equals(fileAe));
            assertThat(regB.entries().get("PACS_B").source()).isEqualTo(AeRegistry.Source.FILE);
            assertThat(regA.remove("PACS_B").await(30, TimeUnit.SECONDS)).isFalse();

            configA.stop().await(10, TimeUnit.SECONDS);
            configB.stop().await(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits until {@code from} can reach a consumer that {@code to} registered after its configuration's: Vert.x
     * spreads subscriptions through Hazelcast asynchronously, in order, so the earlier one is known by then too.
     */
    private static void awaitSubscribed(Cluster from, Cluster to) throws Exception {
        to.vertx().eventBus().consumer("miroir.test.ping", m -> m.reply("pong")).completion().await(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            boolean reached = from.vertx().eventBus().request("miroir.test.ping", "ping")
                    .map(m -> true).otherwise(false).await(5, TimeUnit.SECONDS);
            if (reached) return;
            Thread.sleep(100);
        }
        throw new AssertionError("the event bus of one member does not reach the other");
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(condition.getAsBoolean()).isTrue();
    }

    @Test
    void remoteAeValidation() {
        assertThatThrownBy(() -> new RemoteAe("", "h", 104)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RemoteAe("TOO_LONG_AE_TITLE_X", "h", 104)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RemoteAe("A\\B", "h", 104)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RemoteAe("AE", "h", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RemoteAe("AE", "a host", 104)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RemoteAe.fromJson("AE", new JsonObject().put("host", "h").put("port", "104")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RemoteAe.fromJson("AE", new JsonObject().put("host", "h").put("port", 104.5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RemoteAe.fromJson("AE", new JsonObject().put("host", "h").put("port", 104)))
                .isEqualTo(new RemoteAe("AE", "h", 104));
        assertThatThrownBy(() -> RemoteAe.fromJson("AE", new JsonObject().put("host", "h").put("port", 104)
                .put("permissions", new JsonArray().add("delete")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RemoteAe.fromJson("AE", new JsonObject().put("host", "h").put("port", 104)
                .put("permissions", "store"))).isInstanceOf(IllegalArgumentException.class);
        RemoteAe storeOnly = RemoteAe.fromJson("AE", new JsonObject().put("host", "h").put("port", 104)
                .put("permissions", new JsonArray().add("store")));
        assertThat(storeOnly.permissions()).containsExactly(AePermission.STORE);
        assertThat(RemoteAe.fromJson("AE", storeOnly.toJson())).isEqualTo(storeOnly);
        assertThat(RemoteAe.fromJson("AE", new JsonObject().put("host", "h").put("port", 104)
                .put("permissions", new JsonArray())).permissions()).isEmpty();
    }
}
