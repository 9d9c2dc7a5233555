package org.miroir.server.logging;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The access log: one line for every DICOM operation and DICOMweb request the node serves or invokes, on the logger
 * {@value #LOGGER} (the basis of the audit trail). Each line is an event with named fields (association, calling and
 * called AE, remote address, operation, SOP Instance UID, status, duration, ...): the JSON log format writes them as
 * fields of their own, the text format as {@code key=value} pairs after the event's name.
 */
public final class AccessLog {
    public static final String LOGGER = "org.miroir.server.access";
    private static final Logger LOG = Logger.getLogger(LOGGER);
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private AccessLog() {}

    /** A line about to be logged: {@code event} names what happened ({@code dimse}, {@code http}, ...). */
    public static Entry entry(String event) {
        return new Entry(event);
    }

    /** The fields of one access line, in the order they were added; null values are left out. Logged once. */
    public static final class Entry {
        private final String event;
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Entry(String event) {
            this.event = event;
        }

        public Entry with(String name, Object value) {
            if (value != null) fields.put(name, value);
            return this;
        }

        /** The duration field, in milliseconds with microsecond precision. */
        public Entry durationNanos(long nanos) {
            return with("durationMs", Math.round(nanos / 1e3) / 1e3);
        }

        public void log(Level level) {
            if (!LOG.isLoggable(level)) return;
            LOG.log(new Record(level, event, Collections.unmodifiableMap(fields), text(event, fields)));
        }

        public void log() {
            log(Level.INFO);
        }

        private static String text(String event, Map<String, Object> fields) {
            StringBuilder b = new StringBuilder(event);
            // Values may come from peers (AE titles, request parameters): no control character splits a line.
            fields.forEach((k, v) -> b.append(' ').append(k).append('=')
                    .append(CONTROL.matcher(String.valueOf(v)).replaceAll("?")));
            return b.toString();
        }
    }

    /** A log record that carries its fields, for formatters that write them apart from the message. */
    public static final class Record extends LogRecord {
        private final String event;
        private final Map<String, Object> fields;

        Record(Level level, String event, Map<String, Object> fields, String message) {
            super(level, message);
            this.event = event;
            this.fields = fields;
            setLoggerName(LOGGER);
            setSourceClassName(null); // the logger's name says where it comes from: no stack walk per line
        }

        public String event() { return event; }

        public Map<String, Object> fields() { return fields; }
    }
}
