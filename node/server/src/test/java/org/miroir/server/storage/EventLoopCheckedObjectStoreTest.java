package org.miroir.server.storage;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.server.metrics.NodeMetrics;
import org.miroir.storage.object.ObjectStore;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls on a worker thread pass unseen; the same calls on an event loop are counted by call (embedded store). */
class EventLoopCheckedObjectStoreTest {
    @TempDir
    Path dir;
    Vertx vertx;
    Storage storage;
    final NodeMetrics metrics = new NodeMetrics();
    ObjectStore checked;

    @BeforeEach
    void open() throws Exception {
        vertx = Vertx.vertx();
        storage = Storage.open(new JsonObject(), dir);
        checked = new EventLoopCheckedObjectStore(storage.objects(), metrics.eventLoopBlockingCalls);
        checked.put("object-1", new ByteArrayInputStream(new byte[100]), 100);
    }

    @AfterEach
    void close() throws Exception {
        storage.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private double counted(String call) {
        Double v = metrics.registry.getSampleValue("miroir_event_loop_blocking_calls_total",
                new String[] {"call"}, new String[] {call});
        return v == null ? 0 : v;
    }

    /** Stat, get, a read and a close of the stream. */
    private Void calls() throws Exception {
        checked.stat("object-1");
        try (InputStream in = checked.get("object-1")) {
            assertThat(in.read(new byte[10])).isEqualTo(10);
        }
        return null;
    }

    @Test
    void callsOnAnEventLoopAreCountedOnWorkersNot() throws Exception {
        vertx.executeBlocking(this::calls, false).await(10, TimeUnit.SECONDS);
        assertThat(metrics.scrape()).doesNotContain("miroir_event_loop_blocking_calls_total{");

        Promise<Void> onEventLoop = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> {
            try {
                onEventLoop.complete(calls());
            } catch (Exception e) {
                onEventLoop.fail(e);
            }
        });
        onEventLoop.future().await(10, TimeUnit.SECONDS);
        assertThat(counted("stat")).isEqualTo(1);
        assertThat(counted("get")).isEqualTo(1);
        assertThat(counted("read")).as("a read and the close").isEqualTo(2);
    }
}
