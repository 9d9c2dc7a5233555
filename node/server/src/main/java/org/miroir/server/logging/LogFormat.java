package org.miroir.server.logging;

import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.LogManager;

/**
 * How the node writes its log lines ({@code logFormat} in the configuration, {@code --log-format}): {@code text},
 * java.util.logging's own format (or whatever {@code java.util.logging.config.file} sets), or {@code json}, one JSON
 * object per line ({@link JsonLineFormatter}).
 */
public enum LogFormat {
    TEXT, JSON;

    public static LogFormat parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("logFormat must be text or json, not " + name);
        }
    }

    /** Sets this format on the root logger's handlers (standard error unless a logging configuration says else). */
    public void install() {
        if (this == TEXT) return;
        for (Handler h : LogManager.getLogManager().getLogger("").getHandlers()) h.setFormatter(new JsonLineFormatter());
    }
}
