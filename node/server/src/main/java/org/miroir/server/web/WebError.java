package org.miroir.server.web;

/** A request the DICOMweb services refuse: the HTTP status and the reason sent back to the client. */
public final class WebError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public WebError(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static WebError badRequest(String reason) {
        return new WebError(400, reason);
    }

    public static WebError notFound(String reason) {
        return new WebError(404, reason);
    }

    public static WebError notAcceptable(String reason) {
        return new WebError(406, reason);
    }

    /** This site does not accept writes now (the mirror, or a fenced former active site): try the active site. */
    public static WebError notWritable() {
        return new WebError(503, "this site does not accept writes now (passive mirror or fenced): send to the active site");
    }

    public static WebError unsupportedMediaType(String reason) {
        return new WebError(415, reason);
    }
}
