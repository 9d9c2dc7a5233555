package org.miroir.server.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies every byte read from the source to a sink: lets the header parser and the object writer share one pass. */
final class TeeInputStream extends FilterInputStream {
    private final OutputStream sink;

    TeeInputStream(InputStream source, OutputStream sink) {
        super(source);
        this.sink = sink;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            try {
                sink.write(b, off, n);
            } catch (IOException e) {
                throw new SinkException(e);
            }
        }
        return n;
    }

    /** Writing to the sink failed: the storage's fault, not the input's. */
    static final class SinkException extends IOException {
        private static final long serialVersionUID = 1L;

        SinkException(IOException cause) {
            super("object write failed: " + cause.getMessage(), cause);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) break;
            skipped += r;
        }
        return skipped;
    }

    /** Copies the rest of the source to the sink. */
    long drain() throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = read(buf, 0, buf.length)) >= 0; ) total += n;
        return total;
    }

    @Override
    public boolean markSupported() { return false; }
}
