package org.miroir.server.encryption;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.digest.Sha256;
import org.miroir.storage.object.CorruptObjectException;
import org.miroir.storage.object.ObjectStore;

import javax.crypto.SecretKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the contract does not say: the bytes at rest are ciphertext of the envelope's size, every range opens right
 * at segment edges, tampering and cuts are refused, keys rotate, plaintext objects of before are read or refused.
 */
class EncryptingObjectStoreTest {
    private static final int S = Envelope.SEGMENT;
    @TempDir
    Path dir;
    private final SecretKey k1 = TestKeys.newKey(), k2 = TestKeys.newKey();
    private ObjectStore files;
    private ObjectStore store;

    @BeforeEach
    void open() throws IOException {
        files = StorageDrivers.provider("embedded").openObjectStore(StorageConfig.of(Map.of("data-dir", dir.toString())));
        store = new EncryptingObjectStore(files, TestKeys.ring(TestKeys.write(dir.resolve("k.p12"), Map.of("k1", k1)),
                "k1"), false);
    }

    @AfterEach
    void close() throws IOException {
        files.close();
    }

    /** A Part 10 file's look: 128-byte preamble, "DICM", then random bytes (as much of that as {@code size} holds). */
    private static byte[] part10(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Arrays.fill(b, 0, Math.min(128, size), (byte) 0);
        if (size >= 132) System.arraycopy("DICM".getBytes(StandardCharsets.US_ASCII), 0, b, 128, 4);
        return b;
    }

    private byte[] put(ObjectStore s, String key, byte[] data) throws IOException {
        assertThat(s.put(key, new ByteArrayInputStream(data), data.length).sha256()).isEqualTo(Sha256.of(data));
        return data;
    }

    private static byte[] read(ObjectStore s, String key) throws IOException {
        try (InputStream in = s.get(key)) {
            return in.readAllBytes();
        }
    }

    private static byte[] read(ObjectStore s, String key, long offset, long length) throws IOException {
        try (InputStream in = s.get(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    private static byte[] slice(byte[] b, long offset, long length) {
        int from = (int) Math.min(offset, b.length);
        return Arrays.copyOfRange(b, from, (int) Math.min(b.length, from + Math.min(length, b.length)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 200, S - 1, S, S + 1, 3 * S, 3 * S + 777})
    void atRestIsCiphertextOfTheEnvelopeSizeAndEveryRangeOpens(int size) throws IOException {
        byte[] data = put(store, "o", part10(Math.max(size, 0), size));
        byte[] raw = read(files, "o");
        assertThat(raw).hasSize((int) Envelope.sizeAtRest(size));
        assertThat(Envelope.plaintextSize(raw.length)).isEqualTo(size);
        if (raw.length >= 132) assertThat(new String(raw, 128, 4, StandardCharsets.US_ASCII)).isNotEqualTo("DICM");
        assertThat(read(store, "o")).isEqualTo(data);
        assertThat(store.stat("o").orElseThrow().size()).isEqualTo(size);
        long[] edges = {0, 1, S - 1, S, S + 1, 2L * S, 3L * S - 1, 3L * S, size - 1L, size, size + 1L, 10L * S};
        for (long offset : edges) {
            if (offset < 0) continue;
            for (long length : new long[] {0, 1, S - 1, S, S + 1, 2L * S + 5, Long.MAX_VALUE - offset})
                assertThat(read(store, "o", offset, length)).as("%d bytes from %d", length, offset)
                        .isEqualTo(slice(data, offset, length));
        }
    }

    @Test
    void aFlippedByteAtRestIsRefusedWhereverItIsRead() throws IOException {
        byte[] data = put(store, "o", part10(3 * S + 100, 7));
        byte[] raw = read(files, "o");
        raw[(int) Envelope.segmentOffset(1) + 10] ^= 1;
        put(files, "o", raw);
        assertThatThrownBy(() -> read(store, "o")).isInstanceOf(CorruptObjectException.class);
        assertThatThrownBy(() -> read(store, "o", S + 5, 10)).isInstanceOf(CorruptObjectException.class);
        // Segments the damage does not touch still open.
        assertThat(read(store, "o", 0, S)).isEqualTo(slice(data, 0, S));
        assertThat(read(store, "o", 2L * S, 100)).isEqualTo(slice(data, 2L * S, 100));

        raw = read(files, "o");
        raw[(int) Envelope.segmentOffset(1) + 10] ^= 1;
        raw[20] ^= 1; // the key id: the sealed data key no longer opens
        put(files, "o", raw);
        assertThatThrownBy(() -> read(store, "o", 0, 1)).isInstanceOf(IOException.class);
    }

    @Test
    void anObjectCutShortIsRefusedEvenWhereARangeStartsPastTheCut() throws IOException {
        put(store, "o", part10(3 * S + 100, 8));
        byte[] raw = read(files, "o");
        put(files, "o", Arrays.copyOf(raw, (int) Envelope.segmentOffset(2)));
        assertThatThrownBy(() -> read(store, "o")).isInstanceOf(CorruptObjectException.class);
        assertThatThrownBy(() -> read(store, "o", S, 2L * S)).isInstanceOf(CorruptObjectException.class);
        assertThatThrownBy(() -> read(store, "o", 2L * S + 1, 10)).isInstanceOf(CorruptObjectException.class);
        // Cut after a whole segment and a tag's worth of the next: a size the format allows, but no sealed last segment.
        put(files, "o", Arrays.copyOf(raw, (int) Envelope.segmentOffset(2) + Envelope.TAG + 3));
        assertThatThrownBy(() -> read(store, "o", 3L * S, 10)).isInstanceOf(CorruptObjectException.class);
        assertThatThrownBy(() -> read(store, "o")).isInstanceOf(CorruptObjectException.class);
    }

    @Test
    void keysRotateOldObjectsKeepTheirKeyAndAStoreWithoutItSaysWhichKeyIsMissing() throws IOException {
        byte[] old = put(store, "old", part10(S + 3, 9));
        Path both = TestKeys.write(dir.resolve("both.p12"), Map.of("k1", k1, "K2", k2));
        ObjectStore rotated = new EncryptingObjectStore(files, TestKeys.ring(both, "k2"), false);
        byte[] fresh = put(rotated, "new", part10(S + 4, 10));
        assertThat(read(rotated, "old")).isEqualTo(old);
        assertThat(read(rotated, "new")).isEqualTo(fresh);
        assertThat(new String(read(files, "new"), 6, 2, StandardCharsets.US_ASCII)).isEqualTo("k2");

        ObjectStore withoutK1 = new EncryptingObjectStore(files,
                TestKeys.ring(TestKeys.write(dir.resolve("k2.p12"), Map.of("k2", k2)), "k2"), false);
        assertThat(read(withoutK1, "new")).isEqualTo(fresh);
        assertThatThrownBy(() -> read(withoutK1, "old")).isInstanceOf(IOException.class).hasMessageContaining("'k1'");
        assertThatThrownBy(() -> TestKeys.ring(both, "k3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void plaintextObjectsOfBeforeAreReadOnlyWhileAllowed() throws IOException {
        byte[] legacy = put(files, "legacy", part10(1000, 11));
        assertThatThrownBy(() -> read(store, "legacy")).isInstanceOf(CorruptObjectException.class);
        assertThatThrownBy(() -> read(store, "legacy", 10, 10)).isInstanceOf(CorruptObjectException.class);
        ObjectStore migrating = new EncryptingObjectStore(files, TestKeys.ring(dir.resolve("k.p12"), "k1"), true);
        assertThat(read(migrating, "legacy")).isEqualTo(legacy);
        assertThat(read(migrating, "legacy", 128, 4)).isEqualTo("DICM".getBytes(StandardCharsets.US_ASCII));
        assertThat(migrating.stat("legacy").orElseThrow().size()).isEqualTo(1000);
    }
}
