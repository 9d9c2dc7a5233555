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

    public static WebError unsupportedMediaType(String reason) {
        return new WebError(415, reason);
    }
}
