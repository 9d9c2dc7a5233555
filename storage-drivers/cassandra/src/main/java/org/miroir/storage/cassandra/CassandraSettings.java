package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.miroir.storage.StorageConfig;

/**
 * The {@code cassandra} driver's settings, read from the node's flat storage configuration. The README lists every
 * key with its default and the reasons for it.
 */
record CassandraSettings(
        List<InetSocketAddress> contactPoints,
        String localDatacenter,
        String keyspace,
        String replication,
        String username,
        String password,
        ConsistencyLevel readConsistency,
        ConsistencyLevel writeConsistency,
        ConsistencyLevel serialConsistency,
        Duration requestTimeout,
        Duration schemaTimeout,
        int pageSize,
        int maxInFlight,
        int maxRequests,
        int requestQueue,
        Duration speculativeDelay,
        Duration reconnectMaxDelay,
        int journalPartitions,
        Duration journalSettle,
        Duration claimTimeout) {

    private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_.-]+");

    static CassandraSettings from(StorageConfig c) {
        String keyspace = c.get("keyspace", "miroir");
        if (!KEYSPACE.matcher(keyspace).matches())
            throw new IllegalArgumentException("storage setting 'keyspace' must match " + KEYSPACE + ", was '"
                    + keyspace + "'");
        return new CassandraSettings(
                contactPoints(c.get("contact-points", "127.0.0.1:9042")),
                c.get("local-datacenter", "datacenter1"),
                keyspace,
                replication(c.get("replication", "SimpleStrategy:1")),
                c.get("username", null),
                c.get("password", null),
                consistency(c, "read-consistency", "LOCAL_QUORUM", false),
                consistency(c, "write-consistency", "LOCAL_QUORUM", false),
                consistency(c, "serial-consistency", "LOCAL_SERIAL", true),
                Duration.ofMillis(c.getInt("request-timeout-ms", 5000, 100, 600_000)),
                Duration.ofMillis(c.getInt("schema-timeout-ms", 120_000, 1000, 3_600_000)),
                c.getInt("page-size", 500, 10, 10_000),
                c.getInt("max-in-flight", 512, 1, 100_000),
                c.getInt("max-requests", 1024, 1, 100_000),
                c.getInt("request-queue", 10_000, 0, 1_000_000),
                Duration.ofMillis(c.getInt("speculative-delay-ms", 100, 0, 60_000)),
                Duration.ofMillis(c.getInt("reconnect-max-delay-ms", 5000, 500, 600_000)),
                c.getInt("journal-partitions", 16, 1, 1024),
                Duration.ofMillis(c.getInt("journal-settle-ms", 10_000, 0, 600_000)),
                Duration.ofMillis(c.getInt("claim-timeout-ms", 30_000, 100, 3_600_000)));
    }

    private static List<InetSocketAddress> contactPoints(String value) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            int colon = p.lastIndexOf(':');
            String host = colon < 0 ? p : p.substring(0, colon);
            int port = 9042;
            if (colon >= 0) {
                try {
                    port = Integer.parseInt(p.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (host.isEmpty() || port < 1 || port > 65535)
                throw new IllegalArgumentException("storage setting 'contact-points' has an invalid entry '" + p
                        + "' (host:port)");
            out.add(InetSocketAddress.createUnresolved(host, port));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("storage setting 'contact-points' is empty");
        return List.copyOf(out);
    }

    /**
     * {@code SimpleStrategy:RF} or {@code NetworkTopologyStrategy:dc1=3,dc2=3}, returned as the CQL replication map.
     */
    static String replication(String value) {
        int colon = value.indexOf(':');
        String strategy = colon < 0 ? value : value.substring(0, colon);
        String args = colon < 0 ? "" : value.substring(colon + 1);
        Map<String, String> map = new LinkedHashMap<>();
        switch (strategy) {
            case "SimpleStrategy" -> {
                map.put("class", "SimpleStrategy");
                map.put("replication_factor", Integer.toString(factor(args.isEmpty() ? "1" : args, value)));
            }
            case "NetworkTopologyStrategy" -> {
                map.put("class", "NetworkTopologyStrategy");
                for (String dc : args.split(",")) {
                    int eq = dc.indexOf('=');
                    String name = eq < 0 ? "" : dc.substring(0, eq).strip();
                    if (!DATACENTER.matcher(name).matches()) throw invalidReplication(value);
                    map.put(name, Integer.toString(factor(dc.substring(eq + 1).strip(), value)));
                }
                if (map.size() < 2) throw invalidReplication(value);
            }
            default -> throw invalidReplication(value);
        }
        StringBuilder cql = new StringBuilder("{");
        map.forEach((k, v) -> cql.append(cql.length() > 1 ? ", " : "").append('\'').append(k).append("': '")
                .append(v).append('\''));
        return cql.append('}').toString();
    }

    private static int factor(String s, String whole) {
        try {
            int rf = Integer.parseInt(s.strip());
            if (rf >= 1 && rf <= 32) return rf;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalidReplication(whole);
    }

    private static IllegalArgumentException invalidReplication(String value) {
        return new IllegalArgumentException("storage setting 'replication' must be SimpleStrategy:RF or "
                + "NetworkTopologyStrategy:dc1=RF,dc2=RF, was '" + value + "'");
    }

    private static ConsistencyLevel consistency(StorageConfig c, String key, String def, boolean serial) {
        String v = c.get(key, def).toUpperCase(Locale.ROOT);
        try {
            DefaultConsistencyLevel level = DefaultConsistencyLevel.valueOf(v);
            if (level.isSerial() == serial) return level;
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("storage setting '" + key + "' must be "
                + (serial ? "SERIAL or LOCAL_SERIAL" : "a non-serial consistency level such as LOCAL_QUORUM")
                + ", was '" + v + "'");
    }
}
