package org.miroir.server.encryption;

import org.miroir.storage.Health;
import org.miroir.storage.object.Capacity;
import org.miroir.storage.object.CorruptObjectException;
import org.miroir.storage.object.ObjectInfo;
import org.miroir.storage.object.ObjectNotFoundException;
import org.miroir.storage.object.ObjectPage;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.object.ObjectWriter;

import javax.crypto.SecretKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * Encryption at rest for any object driver (ADR 0010): objects are sealed on write in the {@link Envelope} format
 * under a fresh data key wrapped by the key ring's current key, and opened on read with the key their header names.
 * Callers see plaintext only: sizes and digests of what they wrote, range reads that open only the segments they
 * touch (two reads of the driver: the header, then the segments), tampering as {@link CorruptObjectException}.
 * Listings pass through, with sizes at rest. Objects without the envelope (written before encryption was turned on)
 * are read as they are while {@code readPlaintext} allows it, else refused as corrupt.
 */
public final class EncryptingObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final KeyRing keys;
    private final boolean readPlaintext;

    public EncryptingObjectStore(ObjectStore delegate, KeyRing keys, boolean readPlaintext) {
        this.delegate = delegate;
        this.keys = keys;
        this.readPlaintext = readPlaintext;
    }

    @Override
    public ObjectWriter create(String key, long expectedSize) throws IOException {
        Envelope.Sealed envelope;
        try {
            envelope = Envelope.seal(keys.currentId(), keys.current());
        } catch (GeneralSecurityException e) {
            throw new IOException("sealing a data key for " + key + ": " + e.getMessage(), e);
        }
        return new EncryptingWriter(key, expectedSize, delegate.create(key, Envelope.sizeAtRest(expectedSize)),
                envelope);
    }

    @Override
    public InputStream get(String key) throws IOException {
        InputStream in = delegate.get(key);
        try {
            byte[] header = in.readNBytes(Envelope.HEADER);
            if (!Envelope.isEnvelope(header, header.length))
                return plaintext(key, new SequenceInputStream(new ByteArrayInputStream(header), in));
            return new DecryptingStream(in, key, dataKey(key, header), 0, 0, Long.MAX_VALUE, first -> {});
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("offset and length must not be negative");
        byte[] header;
        try (InputStream in = delegate.get(key, 0, Envelope.HEADER)) {
            header = in.readAllBytes();
        }
        if (!Envelope.isEnvelope(header, header.length)) return plaintext(key, delegate.get(key, offset, length));
        SecretKey dataKey = dataKey(key, header);
        if (length == 0) return InputStream.nullInputStream();
        long first = offset / Envelope.SEGMENT;
        long last = (offset + Math.min(length, Long.MAX_VALUE - offset) - 1) / Envelope.SEGMENT;
        long from = Envelope.segmentOffset(first);
        long sealedSegment = Envelope.SEGMENT + Envelope.TAG;
        long span = last - first + 1 > (Long.MAX_VALUE - from) / sealedSegment ? Long.MAX_VALUE - from
                : (last - first + 1) * sealedSegment;
        return new DecryptingStream(delegate.get(key, from, span), key, dataKey, first,
                (int) (offset % Envelope.SEGMENT), length, at -> confirmEndsBefore(key, dataKey, at));
    }

    /**
     * A range that found no segment at {@code index}: fine if the object's last segment, sealed as last, is before it;
     * otherwise segments were cut off.
     */
    private void confirmEndsBefore(String key, SecretKey dataKey, long index) throws IOException {
        ObjectInfo info = delegate.stat(key).orElseThrow(() -> new ObjectNotFoundException(key));
        long size = Envelope.plaintextSize(info.size());
        if (size < 0 || size / Envelope.SEGMENT >= index)
            throw new CorruptObjectException("object " + key + " is cut short before segment " + index);
        long last = size / Envelope.SEGMENT;
        try (InputStream in = new DecryptingStream(delegate.get(key, Envelope.segmentOffset(last),
                Envelope.SEGMENT + Envelope.TAG), key, dataKey, last, 0, Long.MAX_VALUE, at -> {})) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private SecretKey dataKey(String key, byte[] header) throws IOException {
        if (header.length < Envelope.HEADER) throw new CorruptObjectException("object " + key + ": header cut short");
        String id = Envelope.keyId(header, key);
        SecretKey kek = keys.key(id);
        if (kek == null)
            throw new IOException("object " + key + " is sealed with key '" + id + "', which the key store does not hold");
        return Envelope.open(header, kek, key);
    }

    private InputStream plaintext(String key, InputStream in) throws IOException {
        if (readPlaintext) return in;
        in.close();
        throw new CorruptObjectException("object " + key + " is not encrypted at rest (readPlaintext is off)");
    }

    /** The plaintext size; no digest (the driver's would be of the sealed bytes). */
    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        Optional<ObjectInfo> info = delegate.stat(key);
        if (info.isEmpty()) return info;
        byte[] head;
        try (InputStream in = delegate.get(key, 0, 4)) {
            head = in.readAllBytes();
        } catch (ObjectNotFoundException deleted) {
            return Optional.empty();
        }
        if (!Envelope.isEnvelope(head, head.length)) return info;
        ObjectInfo i = info.get();
        long size = Envelope.plaintextSize(i.size());
        if (size < 0) throw new CorruptObjectException("object " + key + " has no valid size at rest: " + i.size());
        return Optional.of(new ObjectInfo(key, size, null, i.lastModified()));
    }

    @Override
    public boolean delete(String key) throws IOException {
        return delegate.delete(key);
    }

    @Override
    public ObjectPage list(String pageToken, int limit) throws IOException {
        return delegate.list(pageToken, limit);
    }

    /** The backend's: space at rest includes each object's 130-byte header and 16 bytes per 64 KiB segment. */
    @Override
    public Optional<Capacity> capacity() throws IOException {
        return delegate.capacity();
    }

    @Override
    public Health health() {
        return delegate.health();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
