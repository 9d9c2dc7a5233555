package org.miroir.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;

/**
 * The receiving side of a store benchmark: an SCP in its own process, reached on 127.0.0.1 (storescp and Orthanc
 * listen on every interface; only 127.0.0.1 is used). Step 1 uses the discarding SCPs below; step 2's archives
 * ({@link Archive}) are SCPs too.
 */
interface StoreScp extends AutoCloseable {
    String name();

    /** The AE title to call. */
    String aeTitle();

    /** Its DICOM port on 127.0.0.1. */
    int port();

    /** Stops the process (bounded wait). */
    @Override
    void close();

    /** {@code storescp --ignore --fork}: receives each data set completely, discards it; one process per association. */
    static StoreScp dcmtk(int pdu) {
        int port = FreePorts.next();
        return new Discarding("storescp", "STORESCP", port, Dcmtk.storescp(port, null, "--fork", "--max-pdu", String.valueOf(pdu)));
    }

    /** {@link DiscardingScp} in its own JVM, as storescp runs in its own process. */
    static StoreScp miroir(int pdu) {
        int port = FreePorts.next();
        ManagedProcess p = ManagedProcess.start(javaCommand(DiscardingScp.class.getName(),
                List.of(String.valueOf(port), String.valueOf(pdu))), Map.of()).awaitPort(port, Duration.ofSeconds(30));
        return new Discarding("Miroir SCP", DiscardingScp.AE_TITLE, port, p);
    }

    /**
     * A JVM like this one (same java, same class path) running {@code mainClass}; with the extra JVM options in
     * MIROIR_SCP_JAVA_OPTS, if set (e.g. a JFR recording to profile the SCP).
     */
    private static List<String> javaCommand(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        String extra = System.getenv("MIROIR_SCP_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.strip().split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        return cmd;
    }

    /** A discarding SCP process. */
    record Discarding(String name, String aeTitle, int port, ManagedProcess process) implements StoreScp {
        @Override
        public void close() { process.close(); }
    }
}
