package org.miroir.storage.embedded;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.miroir.storage.Health;
import org.miroir.storage.digest.Sha256;
import org.miroir.storage.object.Capacity;
import org.miroir.storage.object.ObjectInfo;
import org.miroir.storage.object.ObjectKeys;
import org.miroir.storage.object.ObjectNotFoundException;
import org.miroir.storage.object.ObjectPage;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.object.ObjectWriter;

/**
 * Objects as files: {@code <root>/abc/<key>}, where {@code abc} starts the SHA-256 of the key, so 4,096 directories
 * share the load however keys look (a million objects are 250 a directory; ext4 indexes large directories). The
 * directories are all made, and made durable, when the store is first opened: a write then costs one fsync of its file
 * and one of its directory, never more. A write goes to {@code <root>/.tmp/}, is fsynced, renamed into place (atomic,
 * replacing) and the directory fsynced: after {@code commit()} the object survives a crash or power loss, before it
 * nothing is visible. The digest is kept in a user extended attribute where the file system allows.
 */
public final class FileObjectStore implements ObjectStore {
    private static final System.Logger LOG = System.getLogger(FileObjectStore.class.getName());
    private static final String TMP = ".tmp";
    private static final String DIGEST_XATTR = "miroir.sha256";
    private static final Duration STALE_TEMP = Duration.ofHours(1);
    private static final int MAX_LIST = 10_000;
    private static final Pattern DIR = Pattern.compile("[0-9a-f]{3}");
    private static final int DIRS = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private final Path tmp;
    private volatile boolean xattrs = true;

    private FileObjectStore(Path root) {
        this.root = root;
        this.tmp = root.resolve(TMP);
    }

    /** Opens (creating if needed) the store under {@code root}; removes temporary files left by a crash. */
    public static FileObjectStore open(Path root) throws IOException {
        Files.createDirectories(root.resolve(TMP));
        FileObjectStore store = new FileObjectStore(root.toAbsolutePath());
        store.makeDirectories();
        store.removeStaleTemporaries();
        return store;
    }

    /** Makes the 4,096 directories once, in name order, so the last one tells a store whose layout is complete. */
    private void makeDirectories() throws IOException {
        if (Files.isDirectory(root.resolve(dirName(DIRS - 1)))) return;
        for (int i = 0; i < DIRS; i++) {
            try {
                Files.createDirectory(root.resolve(dirName(i)));
            } catch (FileAlreadyExistsException e) {
                // made by an earlier start that stopped half-way
            }
        }
        fsyncDirectory(root);
    }

    private static String dirName(int i) {
        return String.format("%03x", i);
    }

    /** Spares recent ones: another process may still be writing them. */
    private void removeStaleTemporaries() throws IOException {
        Instant cutoff = Instant.now().minus(STALE_TEMP);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
            for (Path p : ds)
                if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) Files.deleteIfExists(p);
        }
    }

    Path pathOf(String key) {
        ObjectKeys.requireValid(key);
        return root.resolve(Sha256.of(key.getBytes(StandardCharsets.US_ASCII)).substring(0, 3)).resolve(key);
    }

    @Override
    public ObjectWriter create(String key, long expectedSize) throws IOException {
        Path target = pathOf(key);
        byte[] r = new byte[8];
        RANDOM.nextBytes(r);
        Path temp = tmp.resolve(key + "." + HexFormat.of().formatHex(r) + ".part");
        return new FileObjectWriter(this, key, expectedSize, temp, target);
    }

    /** Moves a synced temporary file into place durably. */
    void publish(Path temp, Path target) throws IOException {
        Path dir = target.getParent();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException e) {
            // Its directory was removed by hand: made again, durably, then the move.
            Files.createDirectories(dir);
            fsyncDirectory(root);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDirectory(dir);
    }

    /** Records the digest beside the data; a file system without user xattrs simply goes without. */
    void writeDigest(Path file, String sha256) {
        if (!xattrs) return;
        try {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (v == null) throw new UnsupportedOperationException("no user attributes");
            v.write(DIGEST_XATTR, ByteBuffer.wrap(sha256.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | UnsupportedOperationException e) {
            xattrs = false;
            LOG.log(System.Logger.Level.INFO, "object digests are not kept as xattrs under " + root + ": " + e);
        }
    }

    private String readDigest(Path file) {
        if (!xattrs) return null;
        try {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (v == null || !v.list().contains(DIGEST_XATTR)) return null;
            ByteBuffer b = ByteBuffer.allocate(Sha256.HEX_LENGTH);
            v.read(DIGEST_XATTR, b);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
            return Sha256.isHex(s) ? s : null;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        try {
            return Files.newInputStream(pathOf(key));
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        }
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("offset and length must not be negative");
        FileChannel ch;
        try {
            ch = FileChannel.open(pathOf(key), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        }
        long n = Math.max(0, Math.min(length, ch.size() - offset));
        ch.position(Math.min(offset, ch.size()));
        return new Limited(Channels.newInputStream(ch), n);
    }

    /** Ends a stream after {@code remaining} bytes. */
    private static final class Limited extends FilterInputStream {
        private long remaining;

        Limited(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = in.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long k = in.skip(Math.min(n, remaining));
            remaining -= k;
            return k;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        Path p = pathOf(key);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(info(key, p, a));
    }

    private ObjectInfo info(String key, Path p, BasicFileAttributes a) {
        FileTime t = a.lastModifiedTime();
        return new ObjectInfo(key, a.size(), readDigest(p), t.toInstant());
    }

    @Override
    public boolean delete(String key) throws IOException {
        return Files.deleteIfExists(pathOf(key));
    }

    /** Walks {@code abc/key} in name order; the token is the last path returned. */
    @Override
    public ObjectPage list(String pageToken, int limit) throws IOException {
        if (limit < 1 || limit > MAX_LIST) throw new IllegalArgumentException("limit must be in 1.." + MAX_LIST);
        String[] after = pageToken == null ? new String[] {"", ""} : parseToken(pageToken);
        List<ObjectInfo> out = new ArrayList<>();
        for (String d : sortedNames(root, true)) {
            if (d.compareTo(after[0]) < 0) continue;
            Path dir = root.resolve(d);
            for (String name : sortedNames(dir, false)) {
                if (d.equals(after[0]) && name.compareTo(after[1]) <= 0) continue;
                Path p = dir.resolve(name);
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue; // deleted while listing
                }
                if (out.size() == limit) return new ObjectPage(out, tokenOf(out.get(out.size() - 1)));
                out.add(info(name, p, a));
            }
        }
        return new ObjectPage(out, null);
    }

    private String tokenOf(ObjectInfo last) {
        return pathOf(last.key()).getParent().getFileName() + "/" + last.key();
    }

    private static String[] parseToken(String token) {
        String[] parts = token.split("/", -1);
        if (parts.length != 2 || !DIR.matcher(parts[0]).matches())
            throw new IllegalArgumentException("invalid listing token: " + token);
        ObjectKeys.requireValid(parts[1]);
        return parts;
    }

    /** Directory entries in name order: the three-hex-digit directories, or the object files of one. */
    private static List<String> sortedNames(Path dir, boolean directories) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (directories ? DIR.matcher(n).matches() && Files.isDirectory(p) : isKey(n)) names.add(n);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        names.sort(null);
        return names;
    }

    private static boolean isKey(String name) {
        try {
            ObjectKeys.requireValid(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public Health health() {
        try {
            if (!Files.isDirectory(tmp) || !Files.isWritable(tmp)) return Health.down(tmp + " is not writable");
            long free = Files.getFileStore(root).getUsableSpace();
            return Health.up((free >> 20) + " MiB free under " + root);
        } catch (IOException | RuntimeException e) {
            return Health.down("object store unusable: " + e.getMessage());
        }
    }

    /** The file system under the objects: its size, its space in use (by any file) and what is usable here. */
    @Override
    public Optional<Capacity> capacity() throws IOException {
        FileStore fs = Files.getFileStore(root);
        long size = fs.getTotalSpace();
        return Optional.of(new Capacity(size, Math.max(0, size - fs.getUnallocatedSpace()),
                Math.min(size, fs.getUsableSpace())));
    }

    @Override
    public void close() {
        // Nothing held open: every read and write owns its file handle.
    }
}
