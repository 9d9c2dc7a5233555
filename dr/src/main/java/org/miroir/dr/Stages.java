package org.miroir.dr;

import java.io.IOException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** The replication threads wait on the stores' stages; every wait is bounded. */
public final class Stages {
    private static final long TIMEOUT_MINUTES = 2;

    private Stages() {}

    /** The stage's value; its failure (or an overlong wait) as an IOException, interruption kept. */
    public static <T> T await(CompletionStage<T> stage) throws IOException {
        try {
            return stage.toCompletableFuture().get(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException(cause.getMessage(), cause);
        }
    }
}
