package org.miroir.server.logging;

import java.util.logging.LogManager;

/**
 * java.util.logging's manager, except that the JVM's shutdown does not silence it: the standard one resets (closes
 * every handler) in its own shutdown hook, which would hide everything a draining node logs after SIGTERM. The node
 * calls {@link #resetFinally()} once it has stopped. Selected with
 * {@code -Djava.util.logging.manager=org.miroir.server.logging.DrainingLogManager} ({@code ops/miroir run} does).
 */
public final class DrainingLogManager extends LogManager {
    private volatile boolean stopped;

    @Override
    public void reset() {
        if (stopped) super.reset();
    }

    private void finish() {
        stopped = true;
        super.reset();
    }

    /** Flushes and closes the handlers now, if this manager is in use. */
    public static void resetFinally() {
        if (LogManager.getLogManager() instanceof DrainingLogManager m) m.finish();
    }
}
