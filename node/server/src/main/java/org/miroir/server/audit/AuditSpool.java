package org.miroir.server.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The audit messages not yet delivered, on disk: numbered segment files of syslog frames as they go on the wire
 * (octet counting), appended to the newest segment and sent from the oldest. {@link #delivered} moves the mark of what
 * the repository has; segments wholly before it are deleted, and the mark is kept in a file so a restart resends
 * only what was not confirmed. Bounded by {@code maxBytes}. Used by one thread only (the audit thread).
 */
final class AuditSpool implements AutoCloseable {
    /** A position in the spool: a segment and an offset in it. */
    record Mark(long segment, long offset) implements Comparable<Mark> {
        @Override
        public int compareTo(Mark o) {
            return segment != o.segment ? Long.compare(segment, o.segment) : Long.compare(offset, o.offset);
        }
    }

    private static final long SEGMENT_BYTES = 1 << 20;
    private static final String SUFFIX = ".seg";
    private final Path dir;
    private final long maxBytes;
    /** Segment number to size, oldest first. */
    private final TreeMap<Long, Long> segments = new TreeMap<>();
    private FileChannel writing;
    private long bytes;
    private Mark delivered;

    AuditSpool(Path dir, long maxBytes) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (!name.endsWith(SUFFIX)) continue;
                long size = Files.size(f);
                segments.put(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), size);
                bytes += size;
            }
        }
        delivered = readMark();
        if (delivered == null || !segments.containsKey(delivered.segment()))
            delivered = new Mark(segments.isEmpty() ? 0 : segments.firstKey(), 0);
    }

    /** Appends one frame; false (nothing written) when the spool is full. */
    boolean append(byte[] frame) throws IOException {
        if (bytes + frame.length > maxBytes) return false;
        long current = segments.isEmpty() ? delivered.segment() : segments.lastKey();
        if (writing == null || segments.getOrDefault(current, 0L) >= SEGMENT_BYTES) {
            if (writing != null) {
                writing.close();
                current++;
            }
            writing = FileChannel.open(segment(current), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            segments.putIfAbsent(current, Files.size(segment(current)));
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        while (b.hasRemaining()) writing.write(b);
        segments.merge(current, (long) frame.length, Long::sum);
        bytes += frame.length;
        return true;
    }

    /** Makes what was appended durable (once per batch rather than per message). */
    void sync() throws IOException {
        if (writing != null) writing.force(false);
    }

    /** The end of what is spooled. */
    Mark end() {
        return segments.isEmpty() ? delivered : new Mark(segments.lastKey(), segments.lastEntry().getValue());
    }

    Mark delivered() {
        return delivered;
    }

    /** Bytes from {@code from} to the end of its segment, at most {@code max}. */
    byte[] read(Mark from, int max) throws IOException {
        long size = segments.getOrDefault(from.segment(), 0L);
        int n = (int) Math.min(max, size - from.offset());
        if (n <= 0) return new byte[0];
        ByteBuffer b = ByteBuffer.allocate(n);
        try (FileChannel c = FileChannel.open(segment(from.segment()), StandardOpenOption.READ)) {
            while (b.hasRemaining() && c.read(b, from.offset() + b.position()) > 0) {
                // read until full
            }
        }
        return b.array();
    }

    /** Where reading goes on after {@code m}: the next segment's start when {@code m} ends a sealed segment. */
    Mark next(Mark m) {
        Long size = segments.get(m.segment());
        if (size != null && m.offset() >= size && m.segment() < segments.lastKey())
            return new Mark(segments.higherKey(m.segment()), 0);
        return m;
    }

    /** The repository has everything before {@code m}: earlier segments go, the mark is kept. */
    void delivered(Mark m) throws IOException {
        delivered = m;
        while (!segments.isEmpty() && segments.firstKey() < m.segment()) {
            long first = segments.firstKey();
            Files.deleteIfExists(segment(first));
            bytes -= segments.remove(first);
        }
        Path tmp = dir.resolve("delivered.tmp");
        Files.writeString(tmp, m.segment() + " " + m.offset());
        Files.move(tmp, dir.resolve("delivered"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    long bytes() {
        return bytes;
    }

    private Mark readMark() throws IOException {
        Path f = dir.resolve("delivered");
        if (!Files.exists(f)) return null;
        String[] parts = Files.readString(f, StandardCharsets.US_ASCII).trim().split(" ");
        try {
            return new Mark(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Path segment(long n) {
        return dir.resolve(String.format("%020d%s", n, SUFFIX));
    }

    @Override
    public void close() throws IOException {
        if (writing != null) writing.close();
    }
}
