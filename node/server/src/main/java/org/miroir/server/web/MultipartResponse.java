package org.miroir.server.web;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A multipart/related response (PS3.18 8.7.1, RFC 2387) written part by part: the caller writes each part's bytes
 * between {@link #startPart} calls. Chunked, so nothing is assembled before sending.
 */
final class MultipartResponse {
    private final HttpServerResponse response;
    private final String boundary = UUID.randomUUID().toString();
    private boolean first = true;

    /** {@code partType} is the type parameter (the media type of the root part). */
    MultipartResponse(HttpServerResponse response, String partType) {
        this.response = response;
        response.setChunked(true)
                .putHeader("Content-Type", "multipart/related; type=\"" + partType + "\"; boundary=" + boundary);
    }

    HttpServerResponse response() {
        return response;
    }

    /** Writes the delimiter and headers of the next part; {@code length} &lt; 0 leaves out Content-Length. */
    Future<Void> startPart(String contentType, long length, String location) {
        StringBuilder sb = new StringBuilder(first ? "" : "\r\n").append("--").append(boundary)
                .append("\r\nContent-Type: ").append(contentType);
        if (length >= 0) sb.append("\r\nContent-Length: ").append(length);
        if (location != null) sb.append("\r\nContent-Location: ").append(location);
        sb.append("\r\n\r\n");
        first = false;
        return response.write(Buffer.buffer(sb.toString().getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** Writes the close delimiter and ends the response. */
    Future<Void> end() {
        String close = (first ? "" : "\r\n") + "--" + boundary + "--\r\n";
        return response.end(Buffer.buffer(close.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
