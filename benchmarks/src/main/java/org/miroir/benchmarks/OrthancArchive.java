package org.miroir.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;

/**
 * Debian's Orthanc (package orthanc, 1.10) as it ships: SQLite index and file storage (both fsynced), no plugins,
 * its own JSON configuration in the run's directory, free ports, HTTP for loopback only. Its DICOM port has no bind
 * option and listens on every interface; the benchmark sends to 127.0.0.1 only.
 */
final class OrthancArchive implements Archive {
    static final Path BINARY = Path.of("/usr/sbin/Orthanc");
    static final String AE_TITLE = "ORTHANC";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final int dicomPort;
    private final String base;
    private final ManagedProcess process;

    private OrthancArchive(int dicomPort, int httpPort, ManagedProcess process) {
        this.dicomPort = dicomPort;
        this.base = "http://127.0.0.1:" + httpPort;
        this.process = process;
    }

    static boolean isInstalled() { return Files.isExecutable(BINARY); }

    /** Starts Orthanc with its storage and index under {@code dir}; returns once {@code /system} answers. */
    static OrthancArchive start(Path dir, int pdu) throws IOException {
        int[] ports = FreePorts.next(2);
        JsonObject config = new JsonObject()
                .put("Name", "MIROIR-BENCH")
                .put("DicomAet", AE_TITLE)
                .put("DicomPort", ports[0])
                .put("HttpPort", ports[1])
                .put("StorageDirectory", dir.resolve("storage").toString())
                .put("IndexDirectory", dir.resolve("index").toString())
                .put("RemoteAccessAllowed", false)
                .put("AuthenticationEnabled", false)
                .put("DicomCheckCalledAet", false)
                .put("MaximumPduLength", pdu)
                .put("Plugins", new JsonArray());
        Files.createDirectories(dir);
        Path file = dir.resolve("orthanc.json");
        Files.writeString(file, config.encodePrettily());
        ManagedProcess p = ManagedProcess.start(List.of(BINARY.toString(), file.toString()), Map.of());
        OrthancArchive orthanc = new OrthancArchive(ports[0], ports[1], p);
        try {
            Http.awaitOk(orthanc.base + "/system", p, START_TIMEOUT);
            return orthanc;
        } catch (IOException | RuntimeException e) {
            orthanc.close();
            throw e;
        }
    }

    @Override
    public String name() { return "Orthanc"; }

    @Override
    public String aeTitle() { return AE_TITLE; }

    @Override
    public int port() { return dicomPort; }

    /** {@code CountInstances} of Orthanc's {@code /statistics}: what its index holds. */
    @Override
    public long storedInstances() throws IOException {
        return new JsonObject(Http.getOk(base + "/statistics")).getLong("CountInstances");
    }

    @Override
    public void close() { process.close(); }
}
