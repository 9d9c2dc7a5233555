package org.miroir.dicom.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * dcmtk tools as test peers: every process gets {@code TCP_NODELAY=1} (Debian's dcmtk leaves Nagle on otherwise,
 * which makes small DIMSE exchanges tens of times slower), every wait is bounded, output is captured.
 *
 * <pre>{@code
 * Dcmtk.assumeInstalled();
 * int port = FreePorts.next();
 * try (ManagedProcess scp = Dcmtk.storescp(port, dir)) {
 *     Dcmtk.run("storescu", "-aec", "STORESCP", "127.0.0.1", String.valueOf(port), file.toString()).assertOk();
 * }
 * }</pre>
 */
public final class Dcmtk {
    /** Default bound for a client tool run. */
    public static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** Default bound for a server to open its port. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** The environment added to every dcmtk process. */
    public static final Map<String, String> ENV = Map.of("TCP_NODELAY", "1");

    private Dcmtk() {}

    /** True when the dcmtk command-line tools are on the PATH. */
    public static boolean isInstalled() {
        return Processes.isExecutableOnPath("dcmdump") && Processes.isExecutableOnPath("storescu");
    }

    /**
     * Skips the calling test (JUnit assumption) when dcmtk is missing, or fails it when peers are
     * {@linkplain Peers#required() required}; {@code ops/miroir test} installs it.
     */
    public static void assumeInstalled() {
        Peers.assume(isInstalled(), "dcmtk (apt-get install dcmtk, or run ops/miroir test)");
    }

    /** Runs a dcmtk tool ({@code "storescu"}, {@code "dcmdump"}, ...) to completion within {@link #TIMEOUT}. */
    public static Processes.Result run(String tool, String... args) {
        return run(TIMEOUT, tool, args);
    }

    /** Runs a dcmtk tool within {@code timeout}; stdout and stderr come back interleaved in {@code stdout()}. */
    public static Processes.Result run(Duration timeout, String tool, String... args) {
        return Processes.run(command(tool, Arrays.asList(args)), ENV, timeout, true, Processes.MAX_OUTPUT_BYTES);
    }

    /** Like {@link #run(Duration, String, String...)} with the arguments as a list (handy for many files). */
    public static Processes.Result run(Duration timeout, String tool, List<String> args) {
        return Processes.run(command(tool, args), ENV, timeout, true, Processes.MAX_OUTPUT_BYTES);
    }

    /**
     * Starts a dcmtk server tool and waits until {@code port} on 127.0.0.1 accepts connections.
     * {@code args} must make the tool listen on {@code port}.
     */
    public static ManagedProcess start(int port, String tool, String... args) {
        return ManagedProcess.start(command(tool, Arrays.asList(args)), ENV).awaitPort(port, START_TIMEOUT);
    }

    /**
     * Starts {@code storescp} on {@code port} (its defaults: AE title STORESCP, which it does not check, the
     * uncompressed transfer syntaxes, one association at a time) writing received files to {@code outDir}, or
     * discarding them ({@code --ignore}) when {@code outDir} is null. {@code extraArgs} go before the port, e.g.
     * {@code "+xa"} (accept all transfer syntaxes) or {@code "--fork"} (concurrent associations).
     */
    public static ManagedProcess storescp(int port, Path outDir, String... extraArgs) {
        List<String> args = new ArrayList<>();
        if (outDir == null) args.add("--ignore");
        else args.addAll(List.of("--output-directory", outDir.toString()));
        args.addAll(Arrays.asList(extraArgs));
        args.add(String.valueOf(port));
        return start(port, "storescp", args.toArray(String[]::new));
    }

    private static List<String> command(String tool, List<String> args) {
        if (tool.contains("/")) throw new IllegalArgumentException("a dcmtk tool name, not a path: " + tool);
        List<String> cmd = new ArrayList<>(args.size() + 1);
        cmd.add(tool);
        cmd.addAll(args);
        return cmd;
    }
}
