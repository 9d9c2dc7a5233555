package org.miroir.dicom.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A long-running program started by a test (a dcmtk SCP, later Orthanc and friends), stopped on {@link #close()}:
 * destroy, then destroyForcibly when it does not exit within a few seconds. Its output (stdout and stderr
 * interleaved) goes to a temporary file; {@link #output()} returns the tail, also after close.
 */
public final class ManagedProcess implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final Path log;
    private String finalOutput;

    private ManagedProcess(List<String> command, Process process, Path log) {
        this.command = command;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with {@code env} added to the environment; stdin is empty. */
    public static ManagedProcess start(List<String> command, Map<String, String> env) {
        Path log = null;
        try {
            log = Files.createTempFile("miroir-" + Path.of(command.get(0)).getFileName() + "-", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Processes.nullDevice()))
                    .redirectOutput(log.toFile());
            pb.environment().putAll(env);
            return new ManagedProcess(List.copyOf(command), pb.start(), log);
        } catch (IOException e) {
            Processes.deleteQuietly(log);
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Waits until {@code port} on 127.0.0.1 accepts connections. Fails (and stops the process) when the process
     * exits first or the port is not open within {@code timeout}.
     */
    public ManagedProcess awaitPort(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                close();
                throw new AssertionError("exited with " + process.exitValue() + " before listening on port " + port
                        + ": " + String.join(" ", command) + "\n" + finalOutput);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    close();
                    throw new AssertionError("port " + port + " not open after " + timeout + ": "
                            + String.join(" ", command) + "\n" + finalOutput);
                }
                sleep(50);
            }
        }
    }

    public Process process() { return process; }

    public boolean isAlive() { return process.isAlive(); }

    public List<String> command() { return command; }

    /** The tail of what the process wrote so far (at most {@link Processes#MAX_OUTPUT_BYTES}). */
    public synchronized String output() {
        if (finalOutput != null) return finalOutput;
        try {
            return Processes.tail(log, Processes.MAX_OUTPUT_BYTES);
        } catch (IOException e) {
            return "(output unavailable: " + e + ")";
        }
    }

    /** Stops the process (bounded wait) and removes its log; {@link #output()} keeps answering. Idempotent. */
    @Override
    public synchronized void close() {
        if (finalOutput != null) return;
        Processes.stop(process);
        finalOutput = output();
        Processes.deleteQuietly(log);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
