package org.miroir.server.web.multipart;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 2046 5.1 bodies: well-formed ones part by part, whatever the read sizes; broken ones fail clearly. */
class MultipartReaderTest {
    private static final String B = "b0undary";

    private static List<byte[]> readAll(InputStream in) throws IOException {
        MultipartReader r = new MultipartReader(in, B, 1024);
        List<byte[]> out = new ArrayList<>();
        for (MultipartReader.Part p; (p = r.next()) != null; ) out.add(p.body().readAllBytes());
        return out;
    }

    private static InputStream body(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Hands out at most one byte per read: every buffer boundary case of the delimiter search. */
    private static InputStream trickle(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    @Test
    void partsWithHeadersPreambleAndEpilogue() throws IOException {
        String body = "preamble\r\n--" + B + "\r\nContent-Type: application/dicom\r\nX-Folded: a\r\n b\r\n\r\nfirst"
                + "\r\n--" + B + "  \r\n\r\n\r\n-" + B + "\n--" + B + "\r\n--" + B + "\r\n\r\nthird\r\n--" + B + "--\r\nepilogue";
        for (InputStream in : List.of(body(body), trickle(body(body)))) {
            MultipartReader r = new MultipartReader(in, B, 1024);
            MultipartReader.Part p1 = r.next();
            assertThat(p1.header("content-type")).isEqualTo("application/dicom");
            assertThat(p1.header("X-Folded")).isEqualTo("a b");
            assertThat(new String(p1.body().readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("first");
            MultipartReader.Part p2 = r.next();
            assertThat(p2.headers()).isEmpty();
            assertThat(new String(p2.body().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("\r\n-" + B + "\n--" + B); // near-delimiters (one dash short, no CR) are content
            assertThat(new String(r.next().body().readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("third");
            assertThat(r.next()).isNull();
            assertThat(r.next()).isNull();
            assertThat(r.failure()).isNull();
        }
    }

    @Test
    void largeRandomPartsRoundTrip() throws IOException {
        Random rnd = new Random(1);
        List<byte[]> parts = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            byte[] p = new byte[200_000 + rnd.nextInt(100_000)];
            rnd.nextBytes(p);
            p[1000] = '\r'; p[1001] = '\n'; p[1002] = '-'; p[1003] = '-'; // a near-delimiter inside
            parts.add(p);
            sb.append("--").append(B).append("\r\n\r\n").append(new String(p, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        sb.append("--").append(B).append("--");
        List<byte[]> got = readAll(body(sb.toString()));
        assertThat(got).hasSize(5);
        for (int i = 0; i < 5; i++) assertThat(got.get(i)).isEqualTo(parts.get(i));
    }

    @Test
    void unreadRestOfAPartIsSkipped() throws IOException {
        MultipartReader r = new MultipartReader(body("--" + B + "\r\n\r\n0123456789\r\n--" + B + "\r\n\r\nxy\r\n--" + B + "--"), B, 1024);
        assertThat(r.next().body().read()).isEqualTo('0');
        assertThat(new String(r.next().body().readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("xy");
    }

    @Test
    void brokenBodiesFail() {
        assertThatThrownBy(() -> readAll(body("no delimiter at all"))).isInstanceOf(MultipartException.class)
                .hasMessageContaining("no boundary delimiter");
        assertThatThrownBy(() -> readAll(body("--" + B + "\r\n\r\ntruncated part")))
                .isInstanceOf(MultipartException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> readAll(body("--" + B + "\r\nContent-Type: x")))
                .isInstanceOf(MultipartException.class).hasMessageContaining("truncated in part headers");
        assertThatThrownBy(() -> readAll(body("--" + B + "\r\nno colon here\r\n\r\nx\r\n--" + B + "--")))
                .isInstanceOf(MultipartException.class).hasMessageContaining("malformed part header");
        assertThatThrownBy(() -> readAll(body("--" + B + "\r\nX: " + "a".repeat(2000) + "\r\n\r\nx\r\n--" + B + "--")))
                .isInstanceOf(MultipartException.class).hasMessageContaining("longer than 1024");
        assertThatThrownBy(() -> readAll(body("--" + B + "garbage\r\n\r\nx\r\n--" + B + "--")))
                .isInstanceOf(MultipartException.class).hasMessageContaining("line break");
        assertThatThrownBy(() -> new MultipartReader(body(""), "", 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
