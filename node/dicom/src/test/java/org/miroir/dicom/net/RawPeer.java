package org.miroir.dicom.net;

import org.miroir.dicom.net.pdu.Pdu;
import org.miroir.dicom.net.pdu.PduCodec;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/** A blocking TCP peer (requestor or acceptor) for protocol tests: writes whatever bytes it is given and reads raw PDUs, every read bounded. */
final class RawPeer implements AutoCloseable {
    /** A PDU as received: its type byte and body; type -1 when the connection closed. */
    record Raw(int type, byte[] body) {
        boolean closed() { return type == -1; }

        Pdu decode() throws Exception { return PduCodec.decode(type, io.vertx.core.buffer.Buffer.buffer(body)); }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawPeer(int port, int readTimeoutMillis) throws IOException {
        this(new Socket("127.0.0.1", port), readTimeoutMillis);
    }

    /** Either end of a connection: one it opened, or one a test's ServerSocket accepted (a scripted acceptor). */
    RawPeer(Socket socket, int readTimeoutMillis) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(readTimeoutMillis);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    RawPeer send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    RawPeer send(Pdu pdu) throws IOException {
        return send(PduCodec.encode(pdu).getBytes());
    }

    /** The next PDU, or a closed marker; fails with SocketTimeoutException when nothing comes in time. */
    Raw read() throws IOException {
        try {
            int type = in.read();
            if (type < 0) return new Raw(-1, null);
            in.readByte();
            int len = in.readInt();
            if (len < 0 || len > (1 << 24)) throw new IOException("PDU length " + len);
            byte[] body = new byte[len];
            in.readFully(body);
            return new Raw(type, body);
        } catch (EOFException | SocketException e) {
            return new Raw(-1, null);
        }
    }

    /** Reads until the peer closes; returns the PDUs seen on the way. Fails on timeout. */
    java.util.List<Raw> readUntilClosed() throws IOException {
        java.util.List<Raw> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Raw r = read();
            if (r.closed()) return seen;
            seen.add(r);
        }
        throw new SocketTimeoutException("peer keeps sending");
    }

    @Override
    public void close() throws IOException { socket.close(); }
}
