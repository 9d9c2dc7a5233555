package org.miroir.server.e2e;

import io.vertx.core.json.JsonObject;
import org.miroir.storage.object.ObjectKeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The storage configurations the node suites run on: {@code embedded} (SQLite and files under the data directory)
 * and {@code cassandra+rados}. For the latter, the Cassandra and Ceph that {@code ops/miroir test} started once for
 * the run ({@code MIROIR_CASSANDRA}, {@code MIROIR_CASSANDRA_DC}, {@code MIROIR_CEPH_CONF}, {@code MIROIR_CEPH_POOL});
 * when those are unset (one test class run from Maven), this JVM starts its own under the module's build folder and
 * stops them when it exits. Every node gets a fresh keyspace and a fresh RADOS namespace, so suites sharing the
 * backends never see each other's data.
 */
final class StorageBackends {
    static final String EMBEDDED = "embedded";
    static final String CASSANDRA_RADOS = "cassandra+rados";

    /** Where a Cassandra and a Ceph pool answer. */
    record Endpoints(String cassandra, String datacenter, Path cephConf, String pool) {
        /** The node's {@code storage} section: a new keyspace and namespace named after {@code prefix}. */
        JsonObject storageConfig(String prefix) {
            byte[] r = new byte[4];
            new SecureRandom().nextBytes(r);
            String keyspace = (prefix + "_" + HexFormat.of().formatHex(r)).toLowerCase(java.util.Locale.ROOT);
            return new JsonObject()
                    .put("metadata", new JsonObject().put("driver", "cassandra").put("contact-points", cassandra)
                            .put("local-datacenter", datacenter).put("keyspace", keyspace)
                            // A busy 2-core CI machine: generous timeouts; all writers are local, so a short settle.
                            .put("request-timeout-ms", 15000).put("journal-settle-ms", 300))
                    .put("objects", new JsonObject().put("driver", "rados").put("conf-file", cephConf.toString())
                            .put("pool", pool).put("namespace", ObjectKeys.unique(prefix)));
        }
    }

    private static Endpoints shared;

    private StorageBackends() {}

    /** The {@code storage} section of a node configuration for {@code name} ({@link #EMBEDDED} or {@link #CASSANDRA_RADOS}). */
    static JsonObject config(String name, String prefix) {
        return switch (name) {
            case EMBEDDED -> new JsonObject();
            case CASSANDRA_RADOS -> shared().storageConfig(prefix);
            default -> throw new IllegalArgumentException("unknown storage configuration " + name);
        };
    }

    /** The run's shared Cassandra and Ceph, started here (once per JVM) when the environment names none. */
    static synchronized Endpoints shared() {
        if (shared != null) return shared;
        Map<String, String> env = System.getenv();
        String cassandra = env.get("MIROIR_CASSANDRA"), dc = env.getOrDefault("MIROIR_CASSANDRA_DC", "datacenter1");
        String conf = env.get("MIROIR_CEPH_CONF"), pool = env.getOrDefault("MIROIR_CEPH_POOL", "dicom");
        if (isBlank(cassandra)) {
            DevBackend own = DevBackend.cassandra(buildDir().resolve("backends/cassandra"));
            Map<String, String> started = startStoppedAtExit(own);
            cassandra = started.get("MIROIR_CASSANDRA");
            dc = started.get("MIROIR_CASSANDRA_DC");
        }
        if (isBlank(conf)) {
            DevBackend own = DevBackend.ceph(buildDir().resolve("backends/ceph"));
            startStoppedAtExit(own);
            Map<String, String> ceph = own.run("env");
            conf = ceph.get("MIROIR_CEPH_CONF");
            pool = ceph.get("MIROIR_CEPH_POOL");
        }
        System.out.println("storage backends: Cassandra " + cassandra + " (" + dc + "), Ceph " + conf + " pool " + pool);
        shared = new Endpoints(cassandra, dc, Path.of(conf).toAbsolutePath(), pool);
        return shared;
    }

    private static Map<String, String> startStoppedAtExit(DevBackend backend) {
        Runtime.getRuntime().addShutdownHook(new Thread(backend::stopQuietly, "stop-" + backend.script()));
        return backend.run("start");
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** This module's build folder (the parent of test-classes), whatever its name. */
    private static Path buildDir() {
        try {
            Path dir = Path.of(StorageBackends.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
            return Files.createDirectories(dir);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
