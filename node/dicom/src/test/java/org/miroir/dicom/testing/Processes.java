package org.miroir.dicom.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs external programs for tests: output goes to a temporary file (never a pipe, which can fill and stall
 * the child), every wait is bounded, and a program that outlives its timeout is destroyed.
 */
public final class Processes {
    /** What a test keeps of a program's output: the tail, where errors are. */
    public static final int MAX_OUTPUT_BYTES = 1 << 20;
    /** How long a destroyed process gets to exit before it is killed. */
    static final Duration GRACE = Duration.ofSeconds(5);

    private Processes() {}

    /** The outcome of a finished (or timed-out and destroyed) program. */
    public record Result(List<String> command, int exitCode, boolean timedOut, String stdout, String stderr,
                         boolean outputCut) {
        public boolean ok() { return !timedOut && exitCode == 0; }

        /** Returns this result when the program exited 0, else fails with the command and its output. */
        public Result assertOk() {
            if (!ok()) throw new AssertionError(describe());
            return this;
        }

        public String describe() {
            return String.join(" ", command)
                    + (timedOut ? "\n  timed out and was destroyed" : "\n  exit code " + exitCode)
                    + (stdout.isEmpty() ? "" : "\n  output:\n" + stdout)
                    + (stderr.isEmpty() ? "" : "\n  stderr:\n" + stderr);
        }
    }

    /**
     * Runs {@code command} with {@code env} added to the environment and waits at most {@code timeout}.
     * With {@code mergeStderr} both streams land in {@link Result#stdout()}, interleaved as the program wrote them.
     * Output beyond {@code maxOutputBytes} per stream is cut from the front (and {@link Result#outputCut()} set).
     */
    public static Result run(List<String> command, Map<String, String> env, Duration timeout,
                             boolean mergeStderr, int maxOutputBytes) {
        Path out = null, err = null;
        try {
            out = Files.createTempFile("miroir-proc-", ".out");
            err = mergeStderr ? null : Files.createTempFile("miroir-proc-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .redirectOutput(out.toFile());
            if (mergeStderr) pb.redirectErrorStream(true);
            else pb.redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) stop(p);
            boolean cut = Files.size(out) > maxOutputBytes || (err != null && Files.size(err) > maxOutputBytes);
            return new Result(List.copyOf(command), done ? p.exitValue() : -1, !done,
                    tail(out, maxOutputBytes), err == null ? "" : tail(err, maxOutputBytes), cut);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /**
     * Asks the process and its children (e.g. {@code storescp --fork} workers) to exit, then kills those that have
     * not within {@link #GRACE}; every wait is bounded.
     */
    public static void stop(Process p) {
        java.util.List<ProcessHandle> children = p.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        stopParent(p);
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static void stopParent(Process p) {
        if (!p.isAlive()) return;
        p.destroy();
        try {
            if (!p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code max} bytes of a file as text, marked when cut. */
    static String tail(Path file, int max) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - max);
            byte[] b = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(b);
            String s = new String(b, StandardCharsets.UTF_8);
            return from == 0 ? s : "[... " + from + " bytes cut ...]\n" + s;
        }
    }

    static boolean isExecutableOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    static java.io.File nullDevice() { return new java.io.File("/dev/null"); }

    static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // A leftover temporary file is harmless.
        }
    }
}
