package org.miroir.server.hl7;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * MLLP framing (HL7 v2, Minimal Lower Layer Protocol): a message is {@code <VT>} (0x0B), its bytes, then
 * {@code <FS><CR>} (0x1C 0x0D). Everything here is bounded: of a message longer than {@code maxMessageBytes} only the
 * first bytes are kept (so its MSH can still be answered), the rest is dropped as it arrives; more than that many
 * bytes outside any frame mean the peer does not speak MLLP. A start block inside a frame starts the message again (the sender gave up on the partial
 * one). Not thread-safe: one per connection, fed on its event loop.
 */
final class MllpFramer {
    static final byte START_BLOCK = 0x0B;
    static final byte END_BLOCK = 0x1C;
    static final byte CARRIAGE_RETURN = 0x0D;
    /** What is kept of an oversized message: enough for any MSH segment. */
    static final int HEAD_BYTES = 64 * 1024;

    /** Receives what the bytes turn out to be; called from {@link #feed}. */
    interface Sink {
        /** A start block: a message begins (the connection times it). */
        void messageStarted();

        /** A whole message, framing removed. */
        void message(byte[] bytes);

        /** A message longer than the limit: its first {@link #HEAD_BYTES} bytes and its length. */
        void oversized(byte[] head, long length);

        /** More than the limit of bytes outside any frame: the connection should end. */
        void garbage(long bytes);
    }

    private enum State { OUTSIDE, INSIDE, AFTER_END_BLOCK }

    private final int maxMessageBytes;
    private final Sink sink;
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();
    private State state = State.OUTSIDE;
    private long length;
    private long outside;

    MllpFramer(int maxMessageBytes, Sink sink) {
        this.maxMessageBytes = maxMessageBytes;
        this.sink = sink;
    }

    /** Whether a message has started and not ended. */
    boolean inMessage() {
        return state != State.OUTSIDE;
    }

    void feed(byte[] bytes) {
        for (byte b : bytes) {
            switch (state) {
                case OUTSIDE -> {
                    if (b == START_BLOCK) {
                        start();
                    } else if (++outside > maxMessageBytes) {
                        long n = outside;
                        outside = 0;
                        sink.garbage(n);
                        return;
                    }
                }
                case INSIDE -> {
                    if (b == END_BLOCK) state = State.AFTER_END_BLOCK;
                    else if (b == START_BLOCK) start();
                    else append(b);
                }
                case AFTER_END_BLOCK -> {
                    if (b == CARRIAGE_RETURN) {
                        end();
                    } else {
                        // An FS not followed by CR is content (HL7 text never holds one, but the peer decides).
                        append(END_BLOCK);
                        state = State.INSIDE;
                        if (b == START_BLOCK) start();
                        else if (b == END_BLOCK) state = State.AFTER_END_BLOCK;
                        else append(b);
                    }
                }
            }
        }
    }

    private void start() {
        message.reset();
        length = 0;
        outside = 0;
        state = State.INSIDE;
        sink.messageStarted();
    }

    private void append(byte b) {
        if (++length <= maxMessageBytes) message.write(b);
    }

    private void end() {
        state = State.OUTSIDE;
        byte[] bytes = message.toByteArray();
        message.reset();
        if (length > maxMessageBytes) sink.oversized(Arrays.copyOf(bytes, Math.min(bytes.length, HEAD_BYTES)), length);
        else sink.message(bytes);
    }
}
