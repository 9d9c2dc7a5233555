package org.miroir.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.miroir.storage.digest.Sha256;
import org.miroir.storage.object.Capacity;
import org.miroir.storage.object.ObjectInfo;
import org.miroir.storage.object.ObjectNotFoundException;
import org.miroir.storage.object.ObjectPage;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.object.ObjectWriter;
import org.miroir.storage.object.StoredObject;

/**
 * The contract of {@link ObjectStore}. One store serves the whole class; every key a test writes starts with the
 * class's random prefix, so the store may hold other objects.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public abstract class ObjectStoreContract {
    protected ObjectStore store;
    protected final String prefix = "tk-" + new TestData().token + "-";

    /** Opens the store under test (called once per class). */
    protected abstract ObjectStore openStore() throws Exception;

    /** Size of the large streamed object (300 MiB by default; never held in memory). */
    protected long largeObjectSize() {
        return 300L << 20;
    }

    @BeforeAll
    void openStoreUnderTest() throws Exception {
        store = openStore();
    }

    @AfterAll
    void closeStoreUnderTest() throws IOException {
        if (store != null) store.close();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] slice(byte[] b, int from, int len) {
        int to = Math.min(b.length, from + len);
        byte[] out = new byte[Math.max(0, to - from)];
        System.arraycopy(b, Math.min(from, b.length), out, 0, out.length);
        return out;
    }

    private byte[] read(String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        }
    }

    private byte[] read(String key, long offset, long length) throws IOException {
        try (InputStream in = store.get(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    @Test
    void putGetStatDelete() throws IOException {
        String key = prefix + "small";
        byte[] data = random(100_003, 1);
        Instant before = Instant.now().minusSeconds(2);
        StoredObject put = store.put(key, new ByteArrayInputStream(data), data.length);
        assertThat(put).isEqualTo(new StoredObject(key, data.length, Sha256.of(data)));
        assertThat(read(key)).isEqualTo(data);

        ObjectInfo info = store.stat(key).orElseThrow();
        assertThat(info.key()).isEqualTo(key);
        assertThat(info.size()).isEqualTo(data.length);
        if (info.sha256() != null) assertThat(info.sha256()).isEqualTo(put.sha256());
        assertThat(info.lastModified()).isBetween(before, Instant.now().plusSeconds(2));

        assertThat(store.delete(key)).isTrue();
        assertThat(store.delete(key)).isFalse();
        assertThat(store.stat(key)).isEmpty();
        assertThatThrownBy(() -> store.get(key)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> store.get(key, 0, 1)).isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void rangeReads() throws IOException {
        String key = prefix + "ranges";
        byte[] data = random(70_000, 2);
        store.put(key, new ByteArrayInputStream(data), -1);
        assertThat(read(key, 0, 10)).isEqualTo(slice(data, 0, 10));
        assertThat(read(key, 12_345, 40_000)).isEqualTo(slice(data, 12_345, 40_000));
        assertThat(read(key, 69_990, 100)).isEqualTo(slice(data, 69_990, 100));
        assertThat(read(key, 70_000, 10)).isEmpty();
        assertThat(read(key, 80_000, 10)).isEmpty();
        assertThat(read(key, 5, 0)).isEmpty();
        assertThatThrownBy(() -> store.get(key, -1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.get(key, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chunkedWritesEmptyObjectsAndReplacement() throws IOException {
        String key = prefix + "chunked";
        byte[] data = random(300_000, 3);
        Random sizes = new Random(4);
        StoredObject put;
        try (ObjectWriter w = store.create(key, -1)) {
            for (int off = 0; off < data.length; ) {
                int n = Math.min(data.length - off, 1 + sizes.nextInt(20_000));
                if (n == 1) w.write(data[off]);
                else w.write(data, off, n);
                off += n;
            }
            assertThat(store.stat(key)).as("invisible before commit").isEmpty();
            put = w.commit();
        }
        assertThat(put.sha256()).isEqualTo(Sha256.of(data));
        assertThat(read(key)).isEqualTo(data);

        byte[] replacement = random(1000, 5);
        store.put(key, new ByteArrayInputStream(replacement), replacement.length);
        assertThat(read(key)).isEqualTo(replacement);
        assertThat(store.stat(key).orElseThrow().size()).isEqualTo(1000);

        String empty = prefix + "empty";
        assertThat(store.put(empty, InputStream.nullInputStream(), 0).sha256()).isEqualTo(Sha256.of(new byte[0]));
        assertThat(read(empty)).isEmpty();
        assertThat(store.stat(empty).orElseThrow().size()).isZero();
    }

    @Test
    void unfinishedWritesNeverBecomeVisible() throws IOException {
        String aborted = prefix + "aborted";
        try (ObjectWriter w = store.create(aborted, -1)) {
            w.write(random(5000, 6));
            w.abort();
            assertThatThrownBy(() -> w.write(1)).isInstanceOf(IllegalStateException.class);
        }
        assertThat(store.stat(aborted)).isEmpty();

        String closed = prefix + "closed";
        try (ObjectWriter w = store.create(closed, -1)) {
            w.write(random(5000, 7));
        }
        assertThat(store.stat(closed)).isEmpty();

        String shortKey = prefix + "short";
        ObjectWriter w = store.create(shortKey, 10);
        w.write(new byte[9]);
        assertThatThrownBy(w::commit).isInstanceOf(IOException.class);
        assertThat(store.stat(shortKey)).isEmpty();

        String longKey = prefix + "long";
        assertThatThrownBy(() -> store.put(longKey, new ByteArrayInputStream(new byte[11]), 10))
                .isInstanceOf(IOException.class);
        assertThat(store.stat(longKey)).isEmpty();

        // A failing source stream leaves nothing either.
        String failing = prefix + "failing";
        InputStream broken = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 70_000) throw new IOException("source broke");
                return 7;
            }
        };
        assertThatThrownBy(() -> store.put(failing, broken, -1)).hasMessageContaining("source broke");
        assertThat(store.stat(failing)).isEmpty();
        assertThat(listOurs(1000)).noneMatch(k -> k.equals(aborted) || k.equals(closed) || k.equals(failing));
    }

    @Test
    void rejectsInvalidKeys() {
        for (String bad : new String[] {"", "../escape", "a/b", ".hidden", "x".repeat(201)}) {
            assertThatThrownBy(() -> store.create(bad, -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.get(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.delete(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void listsEveryCommittedObjectOnce() throws IOException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String key = prefix + "list-" + i;
            store.put(key, new ByteArrayInputStream(new byte[i]), i);
            keys.add(key);
        }
        try (ObjectWriter pending = store.create(prefix + "list-pending", -1)) {
            pending.write(1);
            List<String> listed = listOurs(7);
            assertThat(listed).doesNotHaveDuplicates().containsAll(keys).doesNotContain(prefix + "list-pending");
        }
        ObjectPage page = store.list(null, 1);
        assertThat(page.objects()).hasSize(1);
        assertThat(page.nextPageToken()).isNotNull();
        assertThatThrownBy(() -> store.list(null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private List<String> listOurs(int pageSize) throws IOException {
        List<String> out = new ArrayList<>();
        String token = null;
        for (int pages = 0; pages < 1_000_000; pages++) {
            ObjectPage page = store.list(token, pageSize);
            assertThat(page.objects().size()).isLessThanOrEqualTo(pageSize);
            page.objects().stream().map(ObjectInfo::key).filter(k -> k.startsWith(prefix)).forEach(out::add);
            token = page.nextPageToken();
            if (token == null) return out;
        }
        throw new AssertionError("listing does not end");
    }

    @Test
    void concurrentWriters() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<StoredObject>> futures = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                int n = i;
                futures.add(pool.submit(() -> store.put(prefix + "conc-" + n,
                        new GeneratedStream(n, 256 * 1024 + n), 256 * 1024 + n)));
            }
            for (int i = 0; i < futures.size(); i++) {
                StoredObject o = futures.get(i).get(2, TimeUnit.MINUTES);
                assertThat(o.sha256()).isEqualTo(Sha256.of(new GeneratedStream(i, 256 * 1024 + i)));
                try (InputStream in = store.get(o.key())) {
                    assertThat(Sha256.of(in)).isEqualTo(o.sha256());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void streamsALargeObject() throws IOException {
        long size = largeObjectSize();
        String key = prefix + "large";
        long seed = 42;
        String expected = Sha256.of(new GeneratedStream(seed, size));
        StoredObject put = store.put(key, new GeneratedStream(seed, size), size);
        assertThat(put.size()).isEqualTo(size);
        assertThat(put.sha256()).isEqualTo(expected);
        try (InputStream in = store.get(key)) {
            assertThat(Sha256.of(in)).isEqualTo(expected);
        }
        long offset = size - (1 << 20) - 3;
        try (InputStream in = store.get(key, offset, 2 << 20)) {
            assertThat(Sha256.of(in)).isEqualTo(Sha256.of(new GeneratedStream(seed, size, offset)));
        }
        assertThat(store.stat(key).orElseThrow().size()).isEqualTo(size);
        assertThat(store.delete(key)).isTrue();
    }

    @Test
    void reportsHealth() {
        assertThat(store.health().up()).isTrue();
    }

    /** Whether the driver's backend tells its size and free space ({@link ObjectStore#capacity()} not empty). */
    protected boolean tellsCapacity() {
        return true;
    }

    @Test
    void reportsConsistentCapacity() throws IOException {
        Optional<Capacity> c = store.capacity();
        assertThat(c.isPresent()).as("capacity told").isEqualTo(tellsCapacity());
        if (c.isEmpty()) return;
        assertThat(c.get().sizeBytes()).isPositive();
        assertThat(c.get().usedBytes()).isLessThanOrEqualTo(c.get().sizeBytes());
        assertThat(c.get().availableBytes()).isLessThanOrEqualTo(c.get().sizeBytes());
    }

}
