package org.miroir.dicom.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.WriteStream;
import org.miroir.dicom.net.pdu.PDV;
import org.miroir.dicom.net.pdu.Pdu;

/**
 * Fragments one command or data set into P-DATA-TF PDUs of one PDV each, none longer than the peer's maximum PDU
 * length, and writes them to the socket. Each PDU is built once in a pooled direct buffer (the data's only copy in
 * user space; heap buffers would be copied again by the transport), and the PDUs completed by one {@link #write}
 * go out as one socket write: one flush, one gathering system call, instead of one per PDU. Holds at most one PDU:
 * a full payload is sent only once more data shows it is not the last fragment, so {@link #end()} can flag the
 * last one. Fragments carry an even number of bytes (PS3.7 Annex F; dcmtk rejects odd ones): all but the last by
 * construction, the last by padding a deflated data set of odd length with one 00H, as PS3.5 A.5 requires
 * (trailing bytes after a deflate stream are ignored). Backpressure is the socket's. Event loop only.
 */
final class PDataWriter implements WriteStream<Buffer> {
    private static final int HEADER = 6 + PDV.HEADER_LENGTH;
    /** Initial capacity of a PDU's payload; it grows up to the maximum when the peer allows larger PDUs. */
    private static final int INITIAL_PAYLOAD = 64 * 1024;

    private final NetSocket socket;
    private final ByteBufAllocator alloc;
    private final Association association;
    private final int pcid;
    private final boolean command;
    private final int maxPayload;
    private final boolean padOddLength;
    /** The PDU being filled (header bytes reserved), released when sent or discarded. */
    private ByteBuf pdu;
    /** PDUs completed during the current write, sent together at its end. */
    private CompositeByteBuf batch;
    private boolean ended;
    private long written;

    /**
     * @param maxPduLength the PDU length (PDV items included) not to exceed
     * @param padOddLength pad to even length at the end (deflated data sets)
     */
    PDataWriter(Association association, NetSocket socket, int pcid, boolean command, int maxPduLength, boolean padOddLength) {
        this.association = association;
        this.socket = socket;
        this.alloc = ((NetSocketInternal) socket).channelHandlerContext().alloc();
        this.pcid = pcid;
        this.command = command;
        this.maxPayload = (maxPduLength - PDV.HEADER_LENGTH) & ~1;
        this.padOddLength = padOddLength;
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (ended) return Future.failedFuture(new IllegalStateException("fragment stream ended"));
        ByteBuf bytes = ((BufferInternal) data).getByteBuf();
        int off = bytes.readerIndex(), end = off + bytes.readableBytes();
        while (off < end) {
            if (pdu == null) newPdu();
            else if (pdu.readableBytes() - HEADER == maxPayload) completePdu(false);
            int n = Math.min(maxPayload - (pdu.readableBytes() - HEADER), end - off);
            pdu.writeBytes(bytes, off, n);
            off += n;
        }
        written += end - bytes.readerIndex();
        return sendBatch();
    }

    private void newPdu() {
        pdu = alloc.directBuffer(HEADER + Math.min(maxPayload, INITIAL_PAYLOAD), HEADER + maxPayload);
        pdu.writerIndex(HEADER);
    }

    private void completePdu(boolean lastFragment) {
        if (pdu == null) newPdu();
        int payload = pdu.readableBytes() - HEADER;
        pdu.setByte(0, Pdu.P_DATA_TF)
                .setByte(1, 0)
                .setInt(2, payload + PDV.HEADER_LENGTH)
                .setInt(6, payload + 2)
                .setByte(10, pcid)
                .setByte(11, (command ? PDV.COMMAND : 0) | (lastFragment ? PDV.LAST : 0));
        if (batch == null) batch = alloc.compositeDirectBuffer(Integer.MAX_VALUE);
        batch.addComponent(true, pdu);
        pdu = null;
        if (!lastFragment) newPdu();
    }

    private Future<Void> sendBatch() {
        if (batch == null) return Future.succeededFuture();
        CompositeByteBuf b = batch;
        batch = null;
        return association.writePData(b);
    }

    @Override
    public Future<Void> end() {
        if (ended) return Future.succeededFuture();
        if (padOddLength && (written & 1) != 0) write(Buffer.buffer(new byte[1]));
        ended = true;
        completePdu(true);
        return sendBatch();
    }

    /** Drops what is not sent yet (the message failed); further writes fail. */
    void discard() {
        ended = true;
        if (pdu != null) pdu.release();
        if (batch != null) batch.release();
        pdu = null;
        batch = null;
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
