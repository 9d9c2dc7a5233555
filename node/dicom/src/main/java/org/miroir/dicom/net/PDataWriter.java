package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.WriteStream;
import org.miroir.dicom.net.pdu.PDV;
import org.miroir.dicom.net.pdu.Pdu;

/**
 * Fragments one command or data set into P-DATA-TF PDUs of one PDV each, none longer than the peer's maximum PDU
 * length, and writes them to the socket. Holds at most one PDU: a full payload is sent only once more data shows
 * it is not the last fragment, so {@link #end()} can flag the last one. Fragments carry an even number of bytes
 * (PS3.7 Annex F; dcmtk rejects odd ones): all but the last by construction, the last by padding a deflated data
 * set of odd length with one 00H, as PS3.5 A.5 requires (trailing bytes after a deflate stream are ignored).
 * Backpressure is the socket's.
 */
final class PDataWriter implements WriteStream<Buffer> {
    private static final int HEADER = 6 + PDV.HEADER_LENGTH;

    private final NetSocket socket;
    private final Association association;
    private final int pcid;
    private final boolean command;
    private final int maxPayload;
    private final boolean padOddLength;
    private Buffer pdu;
    private int payload;
    private boolean ended;
    private long written;

    /** @param maxPduLength the PDU length (PDV items included) not to exceed */
    /** @param padOddLength pad to even length at the end (deflated data sets) */
    PDataWriter(Association association, NetSocket socket, int pcid, boolean command, int maxPduLength, boolean padOddLength) {
        this.association = association;
        this.socket = socket;
        this.pcid = pcid;
        this.command = command;
        this.maxPayload = (maxPduLength - PDV.HEADER_LENGTH) & ~1;
        this.padOddLength = padOddLength;
        newPdu();
    }

    private void newPdu() {
        pdu = Buffer.buffer(HEADER + Math.min(maxPayload, 64 * 1024));
        pdu.appendBytes(new byte[HEADER]);
        payload = 0;
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (ended) return Future.failedFuture(new IllegalStateException("fragment stream ended"));
        Future<Void> last = null;
        int off = 0, len = data.length();
        while (off < len) {
            if (payload == maxPayload) last = flush(false);
            int n = Math.min(maxPayload - payload, len - off);
            pdu.appendBuffer(data, off, n);
            payload += n;
            off += n;
        }
        written += len;
        return last != null ? last : Future.succeededFuture();
    }

    private Future<Void> flush(boolean lastFragment) {
        Buffer b = pdu;
        b.setByte(0, (byte) Pdu.P_DATA_TF);
        b.setByte(1, (byte) 0);
        b.setInt(2, payload + PDV.HEADER_LENGTH);
        b.setInt(6, payload + 2);
        b.setByte(10, (byte) pcid);
        b.setByte(11, (byte) ((command ? PDV.COMMAND : 0) | (lastFragment ? PDV.LAST : 0)));
        newPdu();
        return association.writePData(b);
    }

    @Override
    public Future<Void> end() {
        if (ended) return Future.succeededFuture();
        if (padOddLength && (written & 1) != 0) write(Buffer.buffer(new byte[1]));
        ended = true;
        return flush(true);
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) { return this; }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) { return this; }

    @Override
    public boolean writeQueueFull() { return socket.writeQueueFull(); }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        socket.drainHandler(handler);
        return this;
    }
}
