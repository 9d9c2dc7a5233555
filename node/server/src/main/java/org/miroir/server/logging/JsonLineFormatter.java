package org.miroir.server.logging;

import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line: {@code time} (ISO-8601, UTC), {@code level}, {@code logger}, {@code message} and, for the
 * access log's lines, {@code event} and their fields ({@link AccessLog}); {@code error} holds a throwable's stack.
 * What log shippers (Fluent Bit, Vector, Promtail) read without parsing rules.
 */
public final class JsonLineFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
        JsonObject line = new JsonObject()
                .put("time", r.getInstant().toString())
                .put("level", r.getLevel().getName())
                .put("logger", r.getLoggerName())
                .put("message", formatMessage(r));
        if (r instanceof AccessLog.Record access) {
            line.put("event", access.event());
            access.fields().forEach(line::put);
        }
        if (r.getThrown() != null) {
            StringWriter stack = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(stack));
            line.put("error", stack.toString());
        }
        return line.encode() + System.lineSeparator();
    }
}
