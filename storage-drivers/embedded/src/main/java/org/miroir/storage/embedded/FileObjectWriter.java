package org.miroir.storage.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.miroir.storage.object.ObjectWriter;

/** Writes through a buffer into a temporary file; commit syncs it and moves it into place. */
final class FileObjectWriter extends ObjectWriter {
    private static final int BUFFER = 256 * 1024;

    private final FileObjectStore store;
    private final Path temp;
    private final Path target;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

    FileObjectWriter(FileObjectStore store, String key, long expectedSize, Path temp, Path target) throws IOException {
        super(key, expectedSize);
        this.store = store;
        this.temp = temp;
        this.target = target;
        this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    protected void writeData(byte[] b, int off, int len) throws IOException {
        if (len >= BUFFER && buffer.position() == 0) {
            writeFully(ByteBuffer.wrap(b, off, len));
            return;
        }
        while (len > 0) {
            int n = Math.min(len, buffer.remaining());
            buffer.put(b, off, n);
            off += n;
            len -= n;
            if (!buffer.hasRemaining()) flush();
        }
    }

    @Override
    public void flush() throws IOException {
        if (!channel.isOpen()) return;
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) channel.write(b);
    }

    @Override
    protected void persist(long size, String sha256) throws IOException {
        flush();
        store.writeDigest(temp, sha256);
        channel.force(true);
        channel.close();
        store.publish(temp, target);
    }

    @Override
    protected void discard() throws IOException {
        channel.close();
        Files.deleteIfExists(temp);
    }
}
