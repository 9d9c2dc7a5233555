package org.miroir.server.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;
import org.miroir.dicom.testing.Peers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's Orthanc with its DICOMweb plugin (packages orthanc, orthanc-dicomweb) as a peer oracle: its own JSON
 * configuration in a temporary directory, loopback-only HTTP (RemoteAccessAllowed false), free ports; stopped on
 * {@link #close()}. Orthanc's DICOM port has no bind option and listens on all interfaces, as RECIPES.md notes;
 * the tests never use it.
 */
final class OrthancPeer implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/Orthanc");
    static final Path PLUGINS = Path.of("/usr/share/orthanc/plugins");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    final int httpPort;
    final String base;
    private final ManagedProcess process;

    private OrthancPeer(int httpPort, ManagedProcess process) {
        this.httpPort = httpPort;
        this.base = "http://127.0.0.1:" + httpPort;
        this.process = process;
    }

    /** Skips the calling test when Orthanc is missing, or fails it when peers are required (ops/miroir test, CI). */
    static void assumeInstalled() {
        Peers.assume(Files.isExecutable(BINARY) && Files.exists(PLUGINS.resolve("libOrthancDicomWeb.so")),
                "Orthanc with its DICOMweb plugin (apt-get install orthanc orthanc-dicomweb, or run ops/miroir test)");
    }

    static OrthancPeer start(Path dir) throws IOException, InterruptedException {
        int[] ports = FreePorts.next(2);
        JsonObject config = new JsonObject()
                .put("Name", "MIROIR-ORACLE")
                .put("DicomAet", "ORACLE")
                .put("DicomPort", ports[0])
                .put("HttpPort", ports[1])
                .put("StorageDirectory", dir.resolve("storage").toString())
                .put("IndexDirectory", dir.resolve("index").toString())
                .put("RemoteAccessAllowed", false)
                .put("AuthenticationEnabled", false)
                .put("DicomCheckCalledAet", false)
                .put("HttpsCaCertificates", "")
                .put("Plugins", new JsonArray().add(PLUGINS.toString()))
                .put("DicomWeb", new JsonObject().put("Enable", true).put("Root", "/dicom-web/")
                        .put("StudiesMetadata", "Full").put("SeriesMetadata", "Full"));
        Files.createDirectories(dir);
        Path file = dir.resolve("orthanc.json");
        Files.writeString(file, config.encodePrettily());
        ManagedProcess p = ManagedProcess.start(List.of(BINARY.toString(), file.toString()), Map.of());
        OrthancPeer peer = new OrthancPeer(ports[1], p);
        try {
            peer.awaitReady();
            return peer;
        } catch (IOException | InterruptedException | RuntimeException e) {
            peer.close();
            throw e;
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IOException("Orthanc exited: " + process.output());
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/system"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("Orthanc not ready within " + START_TIMEOUT + ": " + process.output());
    }

    String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
    }
}
