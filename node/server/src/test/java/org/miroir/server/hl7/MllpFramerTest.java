package org.miroir.server.hl7;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MllpFramerTest {
    private static final int MAX = 2048;

    /** What the framer reported, in order. */
    private static final class Events implements MllpFramer.Sink {
        final List<String> seen = new ArrayList<>();
        int starts;

        @Override
        public void messageStarted() {
            starts++;
        }

        @Override
        public void message(byte[] bytes) {
            seen.add("message:" + new String(bytes, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void oversized(byte[] head, long length) {
            seen.add("oversized:" + length + ":" + head.length + ":" + new String(head, 0, 3, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void garbage(long bytes) {
            seen.add("garbage:" + bytes);
        }
    }

    private static byte[] framed(String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x0B);
        out.writeBytes(message.getBytes(StandardCharsets.ISO_8859_1));
        out.write(0x1C);
        out.write(0x0D);
        return out.toByteArray();
    }

    @Test
    void findsMessagesWhateverTheChunks() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(framed("MSH|first\rPID|1"));
        all.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1)); // between frames: tolerated
        all.writeBytes(framed("MSH|second"));
        byte[] two = all.toByteArray();
        for (int chunk : new int[] {1, 2, 3, 7, two.length}) {
            Events e = new Events();
            MllpFramer f = new MllpFramer(MAX, e);
            for (int i = 0; i < two.length; i += chunk)
                f.feed(Arrays.copyOfRange(two, i, Math.min(two.length, i + chunk)));
            assertThat(e.seen).as("chunks of %d", chunk).containsExactly("message:MSH|first\rPID|1", "message:MSH|second");
            assertThat(e.starts).isEqualTo(2);
            assertThat(f.inMessage()).isFalse();
        }
    }

    @Test
    void anEndBlockWithoutCarriageReturnIsContentAndAStartBlockRestarts() {
        Events e = new Events();
        MllpFramer f = new MllpFramer(MAX, e);
        f.feed(new byte[] {0x0B, 'a', 0x1C, 'b', 0x1C, 0x1C, 0x0D});
        assertThat(e.seen).containsExactly("message:a\u001cb\u001c");
        f.feed(new byte[] {0x0B, 'l', 'o', 's', 't', 0x0B, 'k', 'e', 'p', 't', 0x1C, 0x0D});
        assertThat(e.seen).endsWith("message:kept");
        f.feed(new byte[] {0x0B, 'h', 'a', 'l', 'f'});
        assertThat(f.inMessage()).isTrue();
    }

    @Test
    void anOversizedMessageKeepsOnlyItsHead() {
        Events e = new Events();
        MllpFramer f = new MllpFramer(MAX, e);
        String big = "MSH" + "x".repeat(10 * MAX);
        f.feed(framed(big));
        assertThat(e.seen).containsExactly("oversized:" + big.length() + ":" + MAX + ":MSH");
        f.feed(framed("MSH|after"));
        assertThat(e.seen).endsWith("message:MSH|after");
    }

    @Test
    void tooManyBytesOutsideFramesAreGarbage() {
        Events e = new Events();
        MllpFramer f = new MllpFramer(MAX, e);
        f.feed("not mllp at all".repeat(200).getBytes(StandardCharsets.ISO_8859_1));
        assertThat(e.seen).containsExactly("garbage:" + (MAX + 1));
        assertThat(e.starts).isZero();
    }
}
