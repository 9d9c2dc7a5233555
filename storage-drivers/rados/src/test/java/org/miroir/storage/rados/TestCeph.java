package org.miroir.storage.rados;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.object.ObjectKeys;

/**
 * The Ceph cluster the tests use: the one named by {@code MIROIR_CEPH_CONF} (and {@code MIROIR_CEPH_POOL}, default
 * {@code dicom}) when set, so suites of a CI run share one; otherwise one started with {@code ops/dev/ceph} in a
 * temporary directory and stopped (and deleted) when the test run ends. Fault tests stop the OSD with
 * {@code ops/dev/ceph kill-osd}, which needs the cluster's directory: the conf file's, when ops/dev/ceph made it.
 * Set {@code MIROIR_CEPH_KEEP} to keep a started cluster's directory (logs) after the run.
 */
final class TestCeph implements AutoCloseable {
    private static final long SCRIPT_TIMEOUT_MINUTES = 5;

    final Path conf;
    final String pool;
    /** The ops/dev/ceph directory, or null for a cluster this script did not make. */
    private final Path dir;
    private final boolean started;
    private final Path script;
    private Thread shutdownHook;

    private TestCeph(Path conf, String pool, Path dir, boolean started, Path script) {
        this.conf = conf;
        this.pool = pool;
        this.dir = dir;
        this.started = started;
        this.script = script;
    }

    static TestCeph startOrUseEnvironment() {
        Path script = findScript();
        String envConf = System.getenv("MIROIR_CEPH_CONF");
        if (envConf != null && !envConf.isBlank()) {
            Path conf = Path.of(envConf).toAbsolutePath();
            String pool = System.getenv().getOrDefault("MIROIR_CEPH_POOL", "dicom");
            Path dir = Files.exists(conf.resolveSibling("cluster.env")) ? conf.getParent() : null;
            return new TestCeph(conf, pool, dir, false, script);
        }
        try {
            Path dir = Files.createTempDirectory("miroir-ceph-");
            TestCeph ceph = new TestCeph(dir.resolve("ceph.conf"), "dicom", dir, true, script);
            ceph.shutdownHook = new Thread(ceph::stopQuietly, "stop-test-ceph");
            Runtime.getRuntime().addShutdownHook(ceph.shutdownHook); // a run killed midway still stops it
            ceph.run("start", "--pool", "dicom");
            return ceph;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Ceph for the tests: " + e.getMessage(), e);
        }
    }

    /** The repository's ops/dev/ceph, found from the module directory the tests run in. */
    private static Path findScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("ops/dev/ceph");
            if (Files.isExecutable(s)) return s;
        }
        throw new IllegalStateException("ops/dev/ceph not found above " + Path.of("").toAbsolutePath());
    }

    /** Settings for a store in its own namespace, so listings see only what the test wrote. */
    Map<String, String> settings(String namespacePrefix) {
        Map<String, String> s = new HashMap<>();
        s.put("conf-file", conf.toString());
        s.put("pool", pool);
        s.put("namespace", ObjectKeys.unique(namespacePrefix));
        return s;
    }

    RadosObjectStore open(Map<String, String> settings) {
        return RadosObjectStore.open(RadosSettings.from(StorageConfig.of(settings)));
    }

    boolean canStopOsd() {
        return dir != null;
    }

    void killOsd() throws IOException {
        run("kill-osd");
    }

    void startOsd() throws IOException {
        run("start-osd");
    }

    /** Runs the script on this cluster's directory, its output in a log file (daemons must not hold our pipes). */
    private void run(String command, String... args) throws IOException {
        if (dir == null) throw new IllegalStateException("no ops/dev/ceph directory for " + conf);
        Path log = dir.resolve("ops-dev-ceph." + command + ".log");
        List<String> cmd = new java.util.ArrayList<>(List.of(script.toString(), command, dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish in " + SCRIPT_TIMEOUT_MINUTES
                        + " minutes; see " + log);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + cmd, e);
        }
        if (p.exitValue() != 0)
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): "
                    + Files.readString(log));
    }

    private void stopQuietly() {
        try {
            run("stop");
            if (System.getenv("MIROIR_CEPH_KEEP") != null) {
                System.err.println("MIROIR_CEPH_KEEP is set: the test Ceph's files stay in " + dir);
                return;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("could not stop the test Ceph under " + dir + ": " + e.getMessage());
        }
    }

    /** Stops the cluster if the tests started it; a shared one is left running. */
    @Override
    public void close() {
        if (!started) return;
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }
}
