package org.miroir.server.e2e;

import org.miroir.dicom.testing.Processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Cassandra or Ceph started by a test with {@code ops/dev/cassandra} or {@code ops/dev/ceph} in a directory of its
 * own: the script's commands (start, stop, kill, kill-osd, start-osd, env) run on that directory, each bounded.
 * A command that fails throws with the script's output: a backend that does not start fails the test, never skips it.
 */
record DevBackend(String script, Path dir) {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    static DevBackend cassandra(Path dir) { return new DevBackend("cassandra", dir); }

    static DevBackend ceph(Path dir) { return new DevBackend("ceph", dir); }

    /** Runs {@code ops/dev/<script> command DIR args} and returns the KEY=VALUE lines it printed. */
    Map<String, String> run(String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ArchiveNode.repoRoot().resolve("ops/dev/" + script).toString(),
                command, dir.toString()));
        cmd.addAll(List.of(args));
        // Output to files (Processes.run): the daemons the script leaves running must not hold a pipe of ours.
        Processes.Result r = Processes.run(cmd, Map.of(), TIMEOUT, false, Processes.MAX_OUTPUT_BYTES);
        if (!r.ok()) throw new IllegalStateException("ops/dev/" + script + " " + command + " failed: " + r.describe());
        Map<String, String> values = new HashMap<>();
        for (String line : r.stdout().split("\n")) {
            if (line.matches("[A-Z_]+=.*")) values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1).strip());
        }
        return values;
    }

    /** Stops the backend; a failure is reported, not thrown (this runs in cleanup). */
    void stopQuietly() {
        try {
            run("stop");
        } catch (RuntimeException e) {
            System.err.println("could not stop " + this + ": " + e.getMessage());
        }
    }
}
