package org.miroir.server.web.multipart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a multipart body (RFC 2046 5.1) part by part from a blocking stream, never holding more than one buffer:
 * each part's body is an InputStream that ends at the next delimiter, so a part of any size streams through.
 * Preamble and epilogue are skipped (both bounded); part headers are bounded in size. Anything malformed or
 * truncated is a {@link MultipartException}, and {@link #failure()} keeps it so a caller can tell a broken body
 * from a consumer that stopped early. Not thread-safe.
 */
public final class MultipartReader {
    private static final int BUFFER = 64 * 1024;
    /** Preamble and epilogue are for non-MIME readers; real clients send none or a line. */
    private static final int MAX_PREAMBLE = 64 * 1024;
    private static final int MAX_BOUNDARY = 70; // RFC 2046 5.1.1

    /** One part: its headers (names in lower case) and its body, valid until the next call to {@link #next()}. */
    public record Part(Map<String, String> headers, InputStream body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final InputStream in;
    private final byte[] delimiter; // CRLF "--" boundary
    private final int maxHeaderBytes;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;
    private boolean eof;
    private boolean started;
    private boolean closed;
    private PartBody current;
    private MultipartException failure;

    public MultipartReader(InputStream in, String boundary, int maxHeaderBytes) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY)
            throw new IllegalArgumentException("a multipart boundary has 1.." + MAX_BOUNDARY + " characters");
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.maxHeaderBytes = maxHeaderBytes;
        // The first delimiter may open the body without a CRLF before it: read as if there were one.
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
    }

    /** The error that broke the body, or null while it is well-formed so far. */
    public MultipartException failure() {
        return failure;
    }

    /** The next part, or null after the close delimiter. Skips what is left of the previous part's body. */
    public Part next() throws IOException {
        if (closed) return null;
        if (failure != null) throw failure;
        if (current != null) {
            current.skipToEnd();
        } else if (!started) {
            skipPreamble();
        }
        started = true;
        pos += delimiter.length;
        if (!ensure(2)) throw fail("truncated after a boundary delimiter");
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            closed = true;
            current = null;
            skipEpilogue();
            return null;
        }
        while (ensure(1) && (buf[pos] == ' ' || buf[pos] == '\t')) pos++; // transport padding
        if (!readLineEnd()) throw fail("boundary delimiter not followed by a line break");
        Map<String, String> headers = readHeaders();
        current = new PartBody();
        return new Part(headers, current);
    }

    private void skipPreamble() throws IOException {
        long skipped = 0;
        while (true) {
            int i = indexOfDelimiter();
            if (i >= 0) {
                pos = i;
                return;
            }
            int keep = Math.max(pos, lim - delimiter.length + 1);
            skipped += keep - pos;
            pos = keep;
            if (skipped > MAX_PREAMBLE) throw fail("no boundary delimiter in the first " + MAX_PREAMBLE + " bytes");
            if (!more()) throw fail("no boundary delimiter in the body (is the boundary parameter right?)");
        }
    }

    private void skipEpilogue() throws IOException {
        pos = lim;
        long skipped = 0;
        while (skipped <= MAX_PREAMBLE && more()) {
            skipped += lim - pos;
            pos = lim;
        }
    }

    private boolean readLineEnd() throws IOException {
        if (ensure(2) && buf[pos] == '\r' && buf[pos + 1] == '\n') {
            pos += 2;
            return true;
        }
        if (ensure(1) && buf[pos] == '\n') { // a bare LF: lenient, as most MIME readers are
            pos++;
            return true;
        }
        return false;
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        String last = null;
        while (true) {
            StringBuilder line = new StringBuilder();
            while (true) {
                if (!ensure(1)) throw fail("truncated in part headers");
                byte c = buf[pos++];
                if (++total > maxHeaderBytes) throw fail("part headers longer than " + maxHeaderBytes + " bytes");
                if (c == '\n') break;
                if (c != '\r') line.append((char) (c & 0xFF));
            }
            if (line.length() == 0) return Collections.unmodifiableMap(headers);
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && last != null) { // obsolete line folding
                headers.merge(last, " " + line.toString().strip(), String::concat);
                continue;
            }
            int colon = line.indexOf(":");
            if (colon <= 0) throw fail("malformed part header line: " + abbreviate(line));
            last = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            headers.put(last, line.substring(colon + 1).strip());
        }
    }

    private static String abbreviate(CharSequence s) {
        return s.length() <= 80 ? s.toString() : s.subSequence(0, 80) + "...";
    }

    /** Index of the delimiter in buf[pos, lim), or -1. */
    private int indexOfDelimiter() {
        int last = lim - delimiter.length;
        outer:
        for (int i = pos; i <= last; i++) {
            if (buf[i] != '\r') continue;
            for (int k = 1; k < delimiter.length; k++) if (buf[i + k] != delimiter[k]) continue outer;
            return i;
        }
        return -1;
    }

    private boolean ensure(int n) throws IOException {
        while (lim - pos < n) if (!more()) return false;
        return true;
    }

    /** Reads more bytes after compacting; false at end of stream. */
    private boolean more() throws IOException {
        if (eof) return false;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (lim == buf.length) throw new IllegalStateException("multipart buffer full"); // callers consume first
        int r = in.read(buf, lim, buf.length - lim);
        if (r < 0) {
            eof = true;
            return false;
        }
        lim += r;
        return true;
    }

    private MultipartException fail(String message) {
        if (failure == null) failure = new MultipartException(message);
        return failure;
    }

    /** One part's body: ends (returns -1) at the next delimiter, which it leaves for {@link #next()}. */
    private final class PartBody extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done || current != this) return -1;
            if (len == 0) return 0;
            while (true) {
                int i = indexOfDelimiter();
                int end = i >= 0 ? i : lim - delimiter.length + 1; // beyond it a delimiter may be starting
                if (i == pos) {
                    done = true;
                    return -1;
                }
                if (end > pos) {
                    int n = Math.min(len, end - pos);
                    System.arraycopy(buf, pos, b, off, n);
                    pos += n;
                    return n;
                }
                if (!more()) throw fail("truncated: the body ends inside a part (no closing boundary)");
            }
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[(int) Math.min(Math.max(n, 1), 8192)];
            long skipped = 0;
            while (skipped < n) {
                int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
                if (r < 0) break;
                skipped += r;
            }
            return skipped;
        }

        void skipToEnd() throws IOException {
            while (!done) {
                int i = indexOfDelimiter();
                if (i >= 0) {
                    pos = i;
                    done = true;
                    return;
                }
                pos = Math.max(pos, lim - delimiter.length + 1);
                if (!more()) throw fail("truncated: the body ends inside a part (no closing boundary)");
            }
        }

        @Override
        public void close() {
            // The body belongs to the reader: closing a part must not close the request stream.
        }
    }
}
