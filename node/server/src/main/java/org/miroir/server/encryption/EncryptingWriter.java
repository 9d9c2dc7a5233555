package org.miroir.server.encryption;

import org.miroir.storage.object.ObjectWriter;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * Seals an object on its way to the driver's writer: the header first, then each segment as it fills, the short last
 * one at commit. The plaintext is counted and digested by {@link ObjectWriter} (so the size and SHA-256 recorded for
 * an instance are those of its bytes, whatever rests on disk); at most one segment is held.
 */
final class EncryptingWriter extends ObjectWriter {
    private final ObjectWriter sink;
    private final SecretKey dataKey;
    private final Cipher cipher = Envelope.cipher();
    private final byte[] plain = new byte[Envelope.SEGMENT];
    private final byte[] sealed = new byte[Envelope.SEGMENT + Envelope.TAG];
    private int filled;
    private long index;

    EncryptingWriter(String key, long expectedSize, ObjectWriter sink, Envelope.Sealed envelope) throws IOException {
        super(key, expectedSize);
        this.sink = sink;
        this.dataKey = envelope.dataKey();
        try {
            sink.write(envelope.header());
        } catch (IOException | RuntimeException e) {
            sink.abort();
            throw e;
        }
    }

    @Override
    protected void writeData(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, plain.length - filled);
            System.arraycopy(b, off, plain, filled, n);
            filled += n;
            off += n;
            len -= n;
            // A full segment is never the last: the last is short, empty if need be.
            if (filled == plain.length) seal(false);
        }
    }

    private void seal(boolean last) throws IOException {
        try {
            int n = Envelope.segment(cipher, Cipher.ENCRYPT_MODE, dataKey, index++, last, plain, filled, sealed);
            sink.write(sealed, 0, n);
            filled = 0;
        } catch (GeneralSecurityException e) {
            throw new IOException("sealing object " + key() + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected void persist(long size, String sha256) throws IOException {
        seal(true);
        sink.commit();
    }

    @Override
    protected void discard() {
        sink.abort();
    }
}
