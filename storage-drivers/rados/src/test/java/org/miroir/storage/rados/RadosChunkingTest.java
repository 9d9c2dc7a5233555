package org.miroir.storage.rados;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.miroir.storage.digest.Sha256;
import org.miroir.storage.object.ObjectInfo;
import org.miroir.storage.object.ObjectPage;
import org.miroir.storage.object.ObjectWriter;
import org.miroir.storage.object.StoredObject;
import org.miroir.storage.testkit.GeneratedStream;

/**
 * The chunked path with small sizes (1 MiB chunks, 64 KiB buffers), looking at the RADOS objects underneath: what a
 * write, replacement, delete, abort or abandoned write leaves, reads across chunk boundaries, racing writers and
 * resumed listings.
 */
@ExtendWith(CephExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RadosChunkingTest {
    private static final int CHUNK = 1 << 20;
    private RadosObjectStore store;
    private Map<String, String> settings;

    @BeforeAll
    void open() {
        settings = CephExtension.ceph().settings("chunking");
        settings.putAll(Map.of("chunk-size", "1M", "write-buffer", "64K", "read-buffer", "64K"));
        store = CephExtension.ceph().open(settings);
    }

    @AfterAll
    void close() {
        if (store != null) store.close();
    }

    /** Every RADOS object in the test's namespace whose name starts with {@code prefix}. */
    private Set<String> raw(String prefix) throws IOException {
        Set<String> names = new HashSet<>();
        try (RadosPool.Listing l = store.pool().list(null)) {
            for (String n; (n = l.next()) != null; ) if (n.startsWith(prefix)) names.add(n);
        }
        return names;
    }

    private static String digest(InputStream in) throws IOException {
        try (in) {
            return Sha256.of(in);
        }
    }

    @Test
    void chunkedObjectsRoundTripAndReadAcrossBoundaries() throws IOException {
        long size = 5L * CHUNK + 12_345;
        String key = "boundaries";
        StoredObject put = store.put(key, new GeneratedStream(7, size), size);
        assertThat(put.sha256()).isEqualTo(Sha256.of(new GeneratedStream(7, size)));
        assertThat(raw(key)).hasSize(7).contains(key).anyMatch(n -> n.endsWith("~0005"));
        assertThat(store.stat(key).orElseThrow().sha256()).isEqualTo(put.sha256());
        assertThat(digest(store.get(key))).isEqualTo(put.sha256());

        for (long boundary = CHUNK; boundary < size; boundary += CHUNK)
            for (long[] range : new long[][] {{boundary - 3, 10}, {boundary - 70_000, 140_001}, {boundary, 1}}) {
                long off = range[0], len = range[1];
                assertThat(digest(store.get(key, off, len)))
                        .as("bytes %d+%d", off, len)
                        .isEqualTo(Sha256.of(new GeneratedStream(7, Math.min(size, off + len), off)));
            }
        assertThat(digest(store.get(key, size - 5, 100))).isEqualTo(Sha256.of(new GeneratedStream(7, size, size - 5)));
        try (InputStream in = store.get(key, 10, 3L * CHUNK)) {
            assertThat(in.skip(2L * CHUNK)).isEqualTo(2L * CHUNK);
            byte[] b = in.readAllBytes();
            assertThat(b).hasSize(CHUNK - 10 + 10);
            assertThat(Sha256.of(b)).isEqualTo(Sha256.of(new GeneratedStream(7, 3L * CHUNK + 10, 2L * CHUNK + 10)));
        }
        assertThat(store.delete(key)).isTrue();
        assertThat(raw(key)).isEmpty();
    }

    @Test
    void replacementRemovesTheChunksItReplaced() throws IOException {
        String key = "replaced";
        store.put(key, new GeneratedStream(1, 3L * CHUNK), -1);
        Set<String> first = raw(key);
        assertThat(first).hasSize(4);
        store.put(key, new GeneratedStream(2, 2L * CHUNK + 1), -1);
        Set<String> second = raw(key);
        assertThat(second).hasSize(4).contains(key).doesNotContainAnyElementsOf(first.stream()
                .filter(n -> !n.equals(key)).toList());
        store.put(key, new ByteArrayInputStream(new byte[] {1, 2, 3}), 3); // inline now
        assertThat(raw(key)).containsExactly(key);
        try (InputStream in = store.get(key)) {
            assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
        }
        // An object exactly as large as the write buffer stays inline.
        store.put(key, new GeneratedStream(3, 64 << 10), -1);
        assertThat(raw(key)).containsExactly(key);
        assertThat(store.delete(key)).isTrue();
        assertThat(raw(key)).isEmpty();
    }

    @Test
    void abortedAndFailedChunkedWritesLeaveNothing() throws IOException {
        String key = "aborted";
        try (ObjectWriter w = store.create(key, -1)) {
            w.write(new byte[3 * CHUNK / 2]);
            assertThat(raw(key)).as("chunks and lease while writing").hasSize(3);
            assertThat(store.stat(key)).isEmpty();
        }
        assertThat(raw(key)).isEmpty();

        String tooLong = "too-long";
        assertThatThrownBy(() -> store.put(tooLong, new GeneratedStream(1, 2L * CHUNK), 2L * CHUNK - 1))
                .isInstanceOf(IOException.class);
        assertThat(raw(tooLong)).isEmpty();

        // Aborting a replacement leaves the committed object as it was.
        String kept = "kept";
        StoredObject committed = store.put(kept, new GeneratedStream(4, 2L * CHUNK), -1);
        try (ObjectWriter w = store.create(kept, -1)) {
            w.write(new byte[2 * CHUNK]);
        }
        assertThat(raw(kept)).hasSize(3);
        assertThat(digest(store.get(kept))).isEqualTo(committed.sha256());
        assertThat(store.delete(kept)).isTrue();
    }

    @Test
    void readersOfAReplacedObjectFailRatherThanMixVersions() throws IOException {
        String key = "read-while-replaced";
        store.put(key, new GeneratedStream(5, 3L * CHUNK), -1);
        try (InputStream in = store.get(key)) {
            assertThat(in.readNBytes(100_000)).hasSize(100_000);
            store.put(key, new GeneratedStream(6, 3L * CHUNK), -1);
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("replaced");
        }
        // An inline object read in several parts is checked against its layout each time.
        String small = "small-replaced";
        Map<String, String> inlineBig = new java.util.HashMap<>(settings);
        inlineBig.putAll(Map.of("write-buffer", "256K", "read-buffer", "64K"));
        try (RadosObjectStore s = CephExtension.ceph().open(inlineBig)) {
            s.put(small, new GeneratedStream(8, 200_000), -1);
            assertThat(raw(small)).containsExactly(small);
            assertThat(digest(s.get(small))).isEqualTo(Sha256.of(new GeneratedStream(8, 200_000)));
            try (InputStream in = s.get(small)) {
                assertThat(in.readNBytes(100_000)).hasSize(100_000);
                s.put(small, new GeneratedStream(9, 200_000), -1);
                assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("replaced");
            }
        }
        assertThat(store.delete(key)).isTrue();
        assertThat(store.delete(small)).isTrue();
    }

    @Test
    void racingWritersOfOneKeyLeaveOneWholeObject() throws Exception {
        String key = "raced";
        int writers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<StoredObject>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                long seed = 100 + i, size = (i % 2 == 0) ? 2L * CHUNK + i : 1000 + i; // chunked and inline
                results.add(pool.submit(() -> store.put(key, new GeneratedStream(seed, size), size)));
            }
            Set<String> digests = new HashSet<>();
            for (Future<StoredObject> f : results) digests.add(f.get(2, TimeUnit.MINUTES).sha256());
            ObjectInfo info = store.stat(key).orElseThrow();
            assertThat(digests).contains(info.sha256());
            assertThat(digest(store.get(key))).isEqualTo(info.sha256());
            int chunks = info.size() > 64 << 10 ? (int) ((info.size() + CHUNK - 1) / CHUNK) : 0;
            assertThat(raw(key)).as("only the winner's chunks remain").hasSize(1 + chunks);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.delete(key)).isTrue();
    }

    @Test
    void listingReclaimsAbandonedWrites() throws Exception {
        Map<String, String> quick = new java.util.HashMap<>(settings);
        quick.put("stale-write", "1");
        try (RadosObjectStore reclaiming = CephExtension.ceph().open(quick)) {
            String key = "abandoned";
            ObjectWriter w = reclaiming.create(key, -1); // a writer that died: never committed nor closed
            w.write(new byte[2 * CHUNK + 1]);
            assertThat(raw(key)).hasSize(3);
            Thread.sleep(1500); // let its lease go stale
            for (String t = null; ; ) {
                ObjectPage page = reclaiming.list(t, 100);
                t = page.nextPageToken();
                if (t == null) break;
            }
            assertThat(raw(key)).isEmpty();
            assertThatThrownBy(w::commit).isInstanceOf(IOException.class).hasMessageContaining("lease");
            assertThat(raw(key)).isEmpty();
        }
    }

    @Test
    void listingResumesFromATokenWithoutItsOpenListing() throws IOException {
        Map<String, String> own = CephExtension.ceph().settings("listing");
        try (RadosObjectStore writer = CephExtension.ceph().open(own)) {
            Set<String> keys = new HashSet<>();
            for (int i = 0; i < 60; i++) {
                String key = "obj-" + i;
                writer.put(key, new ByteArrayInputStream(new byte[] {(byte) i}), 1);
                keys.add(key);
            }
            List<String> listed = new ArrayList<>();
            ListPosition previous = null;
            String token = null;
            do {
                try (RadosObjectStore fresh = CephExtension.ceph().open(own)) { // no listing left open in it
                    ObjectPage page = fresh.list(token, 7);
                    for (ObjectInfo o : page.objects()) {
                        ListPosition at = ListPosition.of(own.get("namespace"), o.key());
                        if (previous != null) assertThat(at).as("RADOS order").isGreaterThan(previous);
                        previous = at;
                        listed.add(o.key());
                    }
                    token = page.nextPageToken();
                }
            } while (token != null);
            assertThat(listed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
            for (String k : keys) writer.delete(k);
        }
    }
}
