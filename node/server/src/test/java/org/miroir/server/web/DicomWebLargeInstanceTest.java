package org.miroir.server.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.FileMetaInformation;
import org.miroir.dicom.testing.SyntheticStudies;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 96 MiB multi-frame instance streamed through STOW-RS (the body sent from a file as it is read) and back
 * through WADO-RS (read as it arrives, digested, never collected): the same bytes, and a frame from its middle
 * equals the slice of the source.
 */
@Timeout(300)
class DicomWebLargeInstanceTest {
    static final int ROWS = 1024, COLUMNS = 1024, FRAMES = 48; // 2 MiB frames

    @TempDir
    static Path dir;
    static WebNode node;
    static Path file;
    static Attributes header;

    @BeforeAll
    static void start() throws Exception {
        node = WebNode.start(dir.resolve("data"));
        SyntheticStudies gen = SyntheticStudies.builder().seed(3).rows(8).columns(8).build();
        header = gen.dataset(gen.instances().get(0));
        header.setInt(Tag.Rows, VR.US, ROWS);
        header.setInt(Tag.Columns, VR.US, COLUMNS);
        header.setInt(Tag.NumberOfFrames, VR.IS, FRAMES);
        header.remove(Tag.PixelData);
        file = dir.resolve("large.dcm");
        // The writer streams the header; the pixel data follows as raw little endian OW, frame by frame.
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            String iuid = header.getString(Tag.SOPInstanceUID);
            DicomOutputStream dos = new DicomOutputStream(out, UID.ExplicitVRLittleEndian);
            dos.writeDataset(FileMetaInformation.create(iuid, header.getString(Tag.SOPClassUID), UID.ExplicitVRLittleEndian), header);
            dos.flush();
            long length = (long) ROWS * COLUMNS * 2 * FRAMES;
            out.write(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W', 0, 0,
                    (byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) (length >>> 24)});
            for (int f = 0; f < FRAMES; f++) out.write(frame(f));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
    }

    static byte[] frame(int f) {
        byte[] b = new byte[ROWS * COLUMNS * 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 31 + f * 7 + (i >>> 11));
        return b;
    }

    @Test
    void streamsInAndOut() throws Exception {
        String boundary = "large-boundary";
        InputStream body = new SequenceInputStream(Collections.enumeration(List.of(
                new ByteArrayInputStream(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII)),
                Files.newInputStream(file),
                new ByteArrayInputStream(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII)))));
        HttpResponse<byte[]> stored = node.http.send(HttpRequest.newBuilder(URI.create(node.base + "/dicom-web/studies"))
                .timeout(WebNode.TIMEOUT).expectContinue(true) // as curl does for large bodies
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(stored.statusCode()).as(new String(stored.body())).isEqualTo(200);

        String path = "/dicom-web/studies/" + header.getString(Tag.StudyInstanceUID) + "/series/"
                + header.getString(Tag.SeriesInstanceUID) + "/instances/" + header.getString(Tag.SOPInstanceUID);
        HttpResponse<InputStream> back = node.http.send(HttpRequest.newBuilder(URI.create(node.base + path))
                .timeout(WebNode.TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(back.statusCode()).isEqualTo(200);
        MediaType ct = MediaType.parse(back.headers().firstValue("Content-Type").orElseThrow());
        var reader = new org.miroir.server.web.multipart.MultipartReader(back.body(), ct.parameter("boundary"), 16384);
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        try (InputStream part = reader.next().body()) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = part.read(buf)) > 0; ) got.update(buf, 0, n);
        }
        assertThat(reader.next()).isNull();
        MessageDigest want = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) want.update(buf, 0, n);
        }
        assertThat(HexFormat.of().formatHex(got.digest())).isEqualTo(HexFormat.of().formatHex(want.digest()));

        HttpResponse<byte[]> frames = node.get(path + "/frames/25,48", null);
        assertThat(frames.statusCode()).isEqualTo(200);
        List<WebNode.Part> parts = WebNode.parts(frames);
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).body()).isEqualTo(frame(24));
        assertThat(parts.get(1).body()).isEqualTo(frame(47));
        assertThat(node.node.context().metrics().bytesSent.get()).isGreaterThan(2.0 * ROWS * COLUMNS * 2 * FRAMES / FRAMES);
    }
}
