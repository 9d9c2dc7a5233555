package org.miroir.dicom.net.pdu;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;

/**
 * Splits the received byte stream into PDUs. The header is checked as soon as its 6 bytes are in, before the body is
 * awaited, so a hostile length (say 0xFFFFFFFF) fails at once without allocating: P-DATA-TF may not exceed the
 * maximum PDU length this side announced, association PDUs a small fixed bound, the others exactly 4 bytes.
 * Buffers at most one PDU plus what the transport delivered with it. Pull-based so the caller can stop
 * (backpressure) between PDUs. Not thread-safe: used on one event loop.
 */
public final class PduFramer {
    /** Bound for A-ASSOCIATE-RQ/AC: 128 presentation contexts and a large user identity fit easily. */
    public static final int DEFAULT_MAX_ASSOCIATE_LENGTH = 256 * 1024;

    private final ArrayDeque<Buffer> chunks = new ArrayDeque<>();
    private int headOffset;
    private long available;
    private long maxPDataLength;
    private final int maxAssociateLength;

    /** @param maxPDataLength the largest P-DATA-TF PDU length accepted (our announced maximum PDU length) */
    public PduFramer(long maxPDataLength, int maxAssociateLength) {
        this.maxPDataLength = maxPDataLength;
        this.maxAssociateLength = maxAssociateLength;
    }

    public void setMaxPDataLength(long maxPDataLength) { this.maxPDataLength = maxPDataLength; }

    public void append(Buffer data) {
        if (data.length() == 0) return;
        chunks.add(data);
        available += data.length();
    }

    /** Bytes received but not yet returned as PDUs. */
    public long buffered() { return available; }

    /** The next complete PDU, or null until more bytes arrive. */
    public Pdu next() throws PduException {
        if (available < PduCodec.HEADER_LENGTH) return null;
        int type = byteAt(0);
        long length = ((long) byteAt(2) << 24) | (byteAt(3) << 16) | (byteAt(4) << 8) | byteAt(5);
        checkHeader(type, length);
        if (available < PduCodec.HEADER_LENGTH + length) return null;
        skip(PduCodec.HEADER_LENGTH);
        return PduCodec.decode(type, take((int) length));
    }

    private void checkHeader(int type, long length) throws PduException {
        long max = switch (type) {
            case Pdu.A_ASSOCIATE_RQ, Pdu.A_ASSOCIATE_AC -> maxAssociateLength;
            case Pdu.P_DATA_TF -> maxPDataLength;
            case Pdu.A_ASSOCIATE_RJ, Pdu.A_RELEASE_RQ, Pdu.A_RELEASE_RP, Pdu.A_ABORT -> 4;
            default -> throw new PduException(AAbort.UNRECOGNIZED_PDU, String.format("unrecognized PDU type 0x%02X", type));
        };
        if (length > max)
            throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE,
                    Pdu.typeName(type) + " length " + length + " exceeds the maximum " + max);
    }

    private int byteAt(int index) {
        int off = headOffset + index;
        for (Buffer c : chunks) {
            if (off < c.length()) return c.getUnsignedByte(off);
            off -= c.length();
        }
        throw new IndexOutOfBoundsException(index);
    }

    private void skip(int n) {
        available -= n;
        while (n > 0) {
            Buffer head = chunks.peek();
            int left = head.length() - headOffset;
            if (n < left) {
                headOffset += n;
                return;
            }
            n -= left;
            chunks.poll();
            headOffset = 0;
        }
    }

    /** The next n bytes: a slice when they sit in one chunk, else one copy. */
    private Buffer take(int n) {
        Buffer head = chunks.peek();
        if (n == 0) return Buffer.buffer(0);
        if (head.length() - headOffset >= n) {
            Buffer s = head.slice(headOffset, headOffset + n);
            skip(n);
            return s;
        }
        Buffer out = Buffer.buffer(n);
        int need = n;
        while (need > 0) {
            head = chunks.peek();
            int take = Math.min(need, head.length() - headOffset);
            out.appendBuffer(head, headOffset, take);
            need -= take;
            skip(take);
        }
        return out;
    }

    /** Drops everything buffered (after an abort). */
    public void clear() {
        chunks.clear();
        headOffset = 0;
        available = 0;
    }
}
