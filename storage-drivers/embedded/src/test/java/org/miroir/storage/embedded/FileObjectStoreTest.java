package org.miroir.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.storage.digest.Sha256;
import org.miroir.storage.object.ObjectWriter;

/** The on-disk layout and crash leftovers, which the contract cannot see. */
class FileObjectStoreTest {
    @TempDir
    Path root;

    private long temporaries() throws Exception {
        try (Stream<Path> s = Files.list(root.resolve(".tmp"))) {
            return s.count();
        }
    }

    @Test
    void objectsLiveUnderHashedDirectoriesAndLeaveNoTemporaries() throws Exception {
        FileObjectStore store = FileObjectStore.open(root);
        byte[] data = "hello".getBytes();
        store.put("1.2.3-abc", new ByteArrayInputStream(data), data.length);
        Path file = store.pathOf("1.2.3-abc");
        String h = Sha256.of("1.2.3-abc".getBytes());
        assertThat(root.relativize(file).toString()).isEqualTo(h.substring(0, 3) + "/1.2.3-abc");
        try (Stream<Path> dirs = Files.list(root)) {
            assertThat(dirs.filter(p -> p.getFileName().toString().matches("[0-9a-f]{3}"))).as("every directory made up front")
                    .hasSize(4096);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(data);
        assertThat(temporaries()).isZero();
        if (userXattrs(root)) assertThat(store.stat("1.2.3-abc").orElseThrow().sha256()).isEqualTo(Sha256.of(data));

        try (ObjectWriter w = store.create("unfinished", -1)) {
            w.write(data);
            w.flush();
            assertThat(temporaries()).isOne();
        }
        assertThat(temporaries()).isZero();
    }

    private static boolean userXattrs(Path dir) {
        try {
            Path probe = Files.createTempFile(dir, "xattr", ".probe");
            Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class)
                    .write("probe", ByteBuffer.wrap(new byte[] {1}));
            Files.delete(probe);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void reopeningRemovesStaleTemporariesOnly() throws Exception {
        FileObjectStore.open(root);
        Path stale = Files.write(root.resolve(".tmp/crashed.0000.part"), new byte[10]);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path fresh = Files.write(root.resolve(".tmp/in-flight.0000.part"), new byte[10]);
        FileObjectStore.open(root);
        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
    }
}
