package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.miroir.storage.StorageConfig;

/**
 * The Cassandra the tests use. If {@code MIROIR_CASSANDRA} (host:port, with {@code MIROIR_CASSANDRA_DC}) is set, that
 * one (e.g. started once per CI run); otherwise one started by {@code ops/dev/cassandra} under this module's build
 * folder the first time a test asks, and stopped when the test run ends. Each test class works in its own keyspace.
 */
final class TestCassandra implements AutoCloseable {
    private static volatile TestCassandra current;

    final String contactPoint;
    final String datacenter;
    private final Path startedIn;

    private TestCassandra(String contactPoint, String datacenter, Path startedIn) {
        this.contactPoint = contactPoint;
        this.datacenter = datacenter;
        this.startedIn = startedIn;
    }

    /** Starts (or finds) Cassandra once per test run; closed by JUnit when the run ends. */
    static final class Extension implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            current = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .computeIfAbsent(TestCassandra.class, k -> find(), TestCassandra.class);
        }
    }

    static TestCassandra current() {
        if (current == null) throw new IllegalStateException("annotate the test with @ExtendWith(TestCassandra.Extension.class)");
        return current;
    }

    private static TestCassandra find() {
        String given = System.getenv("MIROIR_CASSANDRA");
        String dc = System.getenv().getOrDefault("MIROIR_CASSANDRA_DC", "datacenter1");
        if (given != null && !given.isBlank()) return new TestCassandra(given.strip(), dc, null);
        Path dir = buildDir().resolve("cassandra");
        Map<String, String> env = run(script(), "start", dir.toString());
        return new TestCassandra(env.get("MIROIR_CASSANDRA"), env.get("MIROIR_CASSANDRA_DC"), dir);
    }

    /** Settings for a store in {@code keyspace}, with test timings; {@code extra} overrides. */
    StorageConfig config(String keyspace, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("contact-points", contactPoint);
        m.put("local-datacenter", datacenter);
        m.put("keyspace", keyspace);
        // A busy test machine: generous timeouts; a short settle keeps journal reads quick (all writers are local).
        m.put("request-timeout-ms", "15000");
        m.put("journal-settle-ms", "300");
        m.put("claim-timeout-ms", "20000");
        m.putAll(extra);
        return StorageConfig.of(m);
    }

    /** A keyspace name of its own for a test class and run. */
    static String keyspace(String prefix) {
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        return ("t_" + prefix + "_" + HexFormat.of().formatHex(r)).toLowerCase(Locale.ROOT);
    }

    void drop(String keyspace) {
        try (CqlSession s = session()) {
            s.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace)
                    .setTimeout(Duration.ofSeconds(60)));
        }
    }

    CqlSession session() {
        int colon = contactPoint.lastIndexOf(':');
        return CqlSession.builder().addContactPoint(InetSocketAddress.createUnresolved(
                contactPoint.substring(0, colon), Integer.parseInt(contactPoint.substring(colon + 1))))
                .withLocalDatacenter(datacenter).build();
    }

    @Override
    public void close() {
        if (startedIn != null) run(script(), "stop", startedIn.toString());
    }

    /** Runs {@code ops/dev/cassandra} and returns the KEY=VALUE lines it prints. */
    static Map<String, String> run(Path script, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(script.toString()));
        cmd.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("cassandra-script", ".log");
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish");
            }
            String err = Files.readString(log);
            Files.deleteIfExists(log);
            if (p.exitValue() != 0)
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + err);
            Map<String, String> env = new HashMap<>();
            for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) env.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Path script() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("ops/dev/cassandra");
            if (Files.isExecutable(s)) return s;
        }
        throw new IllegalStateException("ops/dev/cassandra not found above " + Path.of("").toAbsolutePath());
    }

    /** This module's build folder (the parent of test-classes), whatever its name. */
    static Path buildDir() {
        try {
            return Path.of(TestCassandra.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
