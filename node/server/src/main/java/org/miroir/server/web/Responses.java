package org.miroir.server.web;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.miroir.storage.StorageException;
import org.miroir.storage.object.CorruptObjectException;
import org.miroir.storage.object.ObjectNotFoundException;

import java.util.concurrent.CompletionException;

/** Error answers of the DICOMweb routes: the status, the reason as text and in a Warning header (PS3.18 8.6). */
final class Responses {
    private static final System.Logger LOG = System.getLogger(Responses.class.getName());
    /** Longest reason sent back: reasons quote input, which must not make a response large. */
    private static final int MAX_REASON = 300;

    private Responses() {}

    static void fail(RoutingContext rc, Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        int status;
        String reason;
        if (cause instanceof WebError e) {
            status = e.status();
            reason = e.getMessage();
        } else if (cause instanceof IllegalArgumentException e) {
            status = 400;
            reason = e.getMessage();
        } else if (cause instanceof ObjectNotFoundException) {
            status = 500;
            reason = "a stored object is missing";
            LOG.log(System.Logger.Level.ERROR, "index points to a missing object", cause);
        } else if (cause instanceof CorruptObjectException) {
            status = 500;
            reason = "a stored object failed its integrity check";
            LOG.log(System.Logger.Level.ERROR, "stored object damaged", cause);
        } else if (cause instanceof StorageException) {
            status = 503;
            reason = "storage unavailable: " + cause.getMessage();
            LOG.log(System.Logger.Level.WARNING, "DICOMweb request failed on storage", cause);
        } else {
            status = 500;
            reason = "internal error";
            LOG.log(System.Logger.Level.ERROR, "DICOMweb request failed", cause);
        }
        error(rc, status, reason);
    }

    static void error(RoutingContext rc, int status, String reason) {
        HttpServerResponse r = rc.response();
        if (r.headWritten()) { // a streamed answer already started: only closing tells the client it is cut
            rc.request().connection().close();
            return;
        }
        String text = sanitize(reason);
        r.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
                .putHeader("Warning", warning(text));
        if (!rc.request().isEnded()) {
            // The body was not read to its end: close after answering rather than reading what is left.
            r.putHeader("Connection", "close");
            r.end(text + "\n").onComplete(v -> rc.request().connection().close());
        } else {
            r.end(text + "\n");
        }
    }

    /** A Warning header value (RFC 7234 5.5; PS3.18 8.6.1.2.2): code 299, agent, quoted text. */
    static String warning(String text) {
        return "299 miroir \"" + sanitize(text).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Printable ASCII only, bounded: header-safe whatever the input quoted. */
    static String sanitize(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_REASON));
        for (int i = 0; i < s.length() && sb.length() < MAX_REASON; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return sb.toString();
    }
}
