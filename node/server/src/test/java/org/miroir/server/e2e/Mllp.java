package org.miroir.server.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw MLLP peer on 127.0.0.1: sends any bytes (framed or not), reads acknowledgement frames, notices a close. Every
 * read is bounded in time and size. For well-behaved traffic the tests use HAPI's own client.
 */
final class Mllp implements AutoCloseable {
    private static final int MAX_ACK = 1 << 20;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private Mllp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static Mllp connect(int port) throws IOException {
        return over(new Socket("127.0.0.1", port));
    }

    /** MLLP over a socket already connected (e.g. TLS). */
    static Mllp over(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return new Mllp(socket);
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** {@code text} as one MLLP frame, encoded in {@code charset}. */
    void send(String text, Charset charset) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x0B);
        frame.writeBytes(text.getBytes(charset));
        frame.write(0x1C);
        frame.write(0x0D);
        sendRaw(frame.toByteArray());
    }

    /** Sends {@code text} (ISO-8859-1) and returns the acknowledgement, waiting at most {@code timeout}. */
    String exchange(String text, Duration timeout) throws IOException {
        send(text, StandardCharsets.ISO_8859_1);
        return readAck(timeout, StandardCharsets.ISO_8859_1);
    }

    /** The next frame's content; fails on timeout, close or a frame over 1 MiB. */
    String readAck(Duration timeout, Charset charset) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        int b;
        while ((b = in.read()) != 0x0B) if (b < 0) throw new IOException("closed before an acknowledgement");
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        while (true) {
            b = in.read();
            if (b < 0) throw new IOException("closed inside an acknowledgement");
            if (b == 0x1C) {
                if (in.read() != 0x0D) throw new IOException("end block without carriage return");
                return ack.toString(charset);
            }
            if (ack.size() >= MAX_ACK) throw new IOException("acknowledgement over " + MAX_ACK + " bytes");
            ack.write(b);
        }
    }

    /** Whether the node closes the connection within {@code timeout} (anything it sends meanwhile is read). */
    boolean closedWithin(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[8192];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (in.read(buf) < 0) return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
