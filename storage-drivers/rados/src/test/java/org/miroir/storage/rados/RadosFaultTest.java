package org.miroir.storage.rados;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.miroir.storage.Health;
import org.miroir.storage.digest.Sha256;
import org.miroir.storage.object.ObjectWriter;
import org.miroir.storage.object.StoredObject;
import org.miroir.storage.testkit.GeneratedStream;

/**
 * The OSD stops (ops/dev/ceph kill-osd): every call fails with an IOException after the 3 s operation timeout
 * instead of hanging, health says down; once the OSD is back, what was committed before reads back whole.
 */
@ExtendWith(CephExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RadosFaultTest {
    /** A hang guard, ten times the configured timeout: not a speed check. */
    private static final Duration HANG = Duration.ofSeconds(30);

    private static void failsWithIOException(ThrowingCallable call) {
        assertTimeoutPreemptively(HANG, () -> assertThatThrownBy(call).isInstanceOf(IOException.class));
    }

    @Test
    void osdDownFailsFastReportsDownAndRecovers() throws Exception {
        TestCeph ceph = CephExtension.ceph();
        Assumptions.assumeTrue(ceph.canStopOsd(), "the Ceph in MIROIR_CEPH_CONF was not made by ops/dev/ceph");
        Map<String, String> settings = ceph.settings("fault");
        settings.putAll(Map.of("osd-op-timeout", "3", "health-timeout", "2", "chunk-size", "1M",
                "write-buffer", "64K"));
        try (RadosObjectStore store = ceph.open(settings)) {
            StoredObject small = store.put("before-small", new GeneratedStream(1, 100_000), -1);
            StoredObject big = store.put("before-big", new GeneratedStream(2, 3L << 20), -1);
            ObjectWriter unfinished = store.create("during", -1);
            unfinished.write(new byte[200_000]); // chunks under way when the OSD goes
            InputStream open = store.get("before-big");
            assertThat(open.readNBytes(1000)).hasSize(1000);

            // health() has not run yet: its connection never reached the OSD, so only librados's "laggy operation"
            // tick can tell it the restarted OSD's new address (it used to stay down for good).
            ceph.killOsd();
            try {
                failsWithIOException(() -> store.put("after", new ByteArrayInputStream(new byte[1000]), 1000));
                failsWithIOException(() -> store.get("before-small"));
                failsWithIOException(() -> store.stat("before-small"));
                failsWithIOException(() -> store.delete("before-small"));
                failsWithIOException(() -> store.list(null, 10));
                failsWithIOException(open::readAllBytes);
                failsWithIOException(unfinished::commit);
                Health down = assertTimeoutPreemptively(HANG, store::health);
                assertThat(down.up()).as(down.detail()).isFalse();
            } finally {
                open.close();
                ceph.startOsd();
            }

            Health health = store.health();
            for (int i = 0; i < 60 && !health.up(); i++) {
                Thread.sleep(1000);
                health = store.health();
            }
            assertThat(health.up()).as(health.detail()).isTrue();
            try (InputStream in = store.get("before-small")) {
                assertThat(Sha256.of(in)).isEqualTo(small.sha256());
            }
            try (InputStream in = store.get("before-big")) {
                assertThat(Sha256.of(in)).isEqualTo(big.sha256());
            }
            assertThat(store.stat("during")).as("a commit that failed stays invisible").isEmpty();
            StoredObject after = store.put("after", new ByteArrayInputStream(new byte[1000]), 1000);
            assertThat(store.stat("after").orElseThrow().sha256()).isEqualTo(after.sha256());
            for (String key : new String[] {"before-small", "before-big", "after"}) store.delete(key);
        }
    }
}
