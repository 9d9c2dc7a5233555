package org.miroir.storage.rados;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.miroir.storage.StorageConfig;

/**
 * The driver's settings, read from the node's storage configuration; every key is documented in the README.
 *
 * @param confFile     a ceph.conf to read first ({@code conf-file}), or {@code null}
 * @param monHost      monitors to contact ({@code mon-host}), overriding the file's; one of the two is required
 * @param user         the client id without {@code client.} ({@code user}, default {@code admin})
 * @param keyring      a keyring file when the cluster uses cephx ({@code keyring}), or {@code null}
 * @param chunkSize    objects larger than this are stored as chunks of this size ({@code chunk-size}, default 64M)
 * @param writeBuffer  bytes sent per write, and the largest object stored inline in its head ({@code write-buffer})
 * @param readBuffer   bytes fetched per read ({@code read-buffer})
 * @param staleWrite   a write that made no progress for this long is abandoned and reclaimed by listing
 * @param options      librados options set after the file: the timeouts, {@code io-threads}, and {@code ceph.*}
 */
public record RadosSettings(
        String confFile,
        String monHost,
        String user,
        String keyring,
        String pool,
        String namespace,
        int chunkSize,
        int writeBuffer,
        int readBuffer,
        Duration healthTimeout,
        Duration staleWrite,
        Map<String, String> options) {

    /** The OSD refuses objects above 128 MiB (osd_max_object_size) and single writes above 90 MB. */
    static final int MAX_CHUNK = 128 << 20;
    static final int MAX_WRITE = 64 << 20;

    public RadosSettings {
        if (confFile == null && monHost == null)
            throw new IllegalArgumentException("storage setting 'conf-file' or 'mon-host' is required");
        if (pool == null || pool.isBlank()) throw new IllegalArgumentException("storage setting 'pool' is required");
        if (writeBuffer > chunkSize)
            throw new IllegalArgumentException("storage setting 'write-buffer' must not exceed 'chunk-size'");
        options = Map.copyOf(options);
    }

    public static RadosSettings from(StorageConfig c) {
        Map<String, String> options = new TreeMap<>();
        int connect = c.getInt("connect-timeout", 10, 1, 3600);
        int monOp = c.getInt("mon-op-timeout", 10, 1, 3600);
        int osdOp = c.getInt("osd-op-timeout", 30, 1, 3600);
        // A dead cluster would otherwise block a connect for 300 s and an operation forever.
        options.put("client_mount_timeout", Integer.toString(connect));
        options.put("rados_mon_op_timeout", Integer.toString(monOp));
        options.put("rados_osd_op_timeout", Integer.toString(osdOp));
        // librados learns that an OSD moved (restarted on a new port) from a connection reset or, for a client that
        // never reached it, only from its tick finding an operation "laggy": both must come well within the timeout.
        options.put("objecter_tick_interval", "1");
        options.put("objecter_timeout", Integer.toString(laggyAfter(osdOp)));
        options.put("ms_async_op_threads", Integer.toString(c.getInt("io-threads", 3, 1, 24)));
        c.values().forEach((k, v) -> {
            if (k.startsWith("ceph.") && k.length() > 5) options.put(k.substring(5), v.trim());
        });
        return new RadosSettings(
                c.get("conf-file", null),
                c.get("mon-host", null),
                c.get("user", "admin"),
                c.get("keyring", null),
                c.get("pool", null),
                c.get("namespace", ""),
                size(c, "chunk-size", 64 << 20, 1 << 20, MAX_CHUNK),
                size(c, "write-buffer", 4 << 20, 64 << 10, MAX_WRITE),
                size(c, "read-buffer", 4 << 20, 64 << 10, MAX_WRITE),
                Duration.ofSeconds(c.getInt("health-timeout", 3, 1, 600)),
                Duration.ofSeconds(c.getInt("stale-write", 86_400, 1, Integer.MAX_VALUE)),
                options);
    }

    /** When an operation counts as laggy (and librados asks the monitor for a newer map), for a given timeout. */
    static int laggyAfter(long operationTimeoutSeconds) {
        return (int) Math.max(1, Math.min(10, operationTimeoutSeconds / 3));
    }

    /** A byte count written as bytes or with a K or M suffix (binary units), e.g. {@code 64M}. */
    static int size(StorageConfig c, String key, int defaultValue, int min, int max) {
        String v = c.get(key, null);
        if (v == null) return defaultValue;
        String s = v.toUpperCase();
        int shift = s.endsWith("K") ? 10 : s.endsWith("M") ? 20 : 0;
        try {
            long n = Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1)) << shift;
            if (n < min || n > max) throw new NumberFormatException();
            return (int) n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("storage setting '" + key + "' must be a size in [" + (min >> 10)
                    + "K, " + (max >> 20) + "M], was '" + v + "'");
        }
    }
}
