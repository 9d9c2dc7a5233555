package org.miroir.storage.rados;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.miroir.storage.object.ObjectInfo;

/**
 * The xattrs of an object's head, read atomically (with part of its data, for inline objects). A head without a
 * layout holds only markers of writes in progress: no committed object.
 *
 * <p>A marker {@code miroir.pending.WID = "MILLIS COUNT"} is a chunked write's lease: it announces the chunk objects
 * {@code KEY~WID~0000..COUNT-1} and when they last grew. The write may commit only while its marker still has the
 * value it last set; anyone reclaiming an abandoned write first changes the value to {@code "0 COUNT"} (which also
 * marks chunks left behind by a replaced or deleted version), so the write fails instead of committing chunks that
 * are being deleted, and a crash midway leaves a marker that the next listing finishes.
 */
record Head(Map<String, String> xattrs) {
    static final String SIZE = "miroir.size";
    static final String SHA256 = "miroir.sha256";
    static final String LAYOUT = "miroir.layout";
    static final String TIME = "miroir.time";
    static final String PENDING = "miroir.pending.";

    /** The layout xattr's raw value, "" when absent (RADOS compares a missing xattr as empty). */
    String layoutValue() {
        return xattrs.getOrDefault(LAYOUT, "");
    }

    Optional<Layout> layout() {
        String v = xattrs.get(LAYOUT);
        return v == null ? Optional.empty() : Optional.of(Layout.parse(v));
    }

    long size() {
        return Long.parseLong(xattrs.get(SIZE));
    }

    ObjectInfo info(String key) {
        return new ObjectInfo(key, size(), xattrs.get(SHA256), Instant.ofEpochMilli(Long.parseLong(xattrs.get(TIME))));
    }

    /** Write id to marker value, for every write in progress or left to reclaim. */
    Map<String, String> markers() {
        Map<String, String> m = new LinkedHashMap<>();
        xattrs.forEach((k, v) -> {
            if (k.startsWith(PENDING)) m.put(k.substring(PENDING.length()), v);
        });
        return m;
    }

    static String marker(long millis, int count) {
        return millis + " " + count;
    }

    static long markerMillis(String value) {
        return Long.parseLong(value.substring(0, value.indexOf(' ')));
    }

    static int markerCount(String value) {
        return Integer.parseInt(value.substring(value.indexOf(' ') + 1));
    }
}
