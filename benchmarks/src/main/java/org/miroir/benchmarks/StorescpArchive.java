package org.miroir.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;

/**
 * dcmtk's {@code storescp --output-directory DIR --fork} (one process per association, TCP_NODELAY=1): writes each
 * received instance to a file and answers; it does not fsync, unlike Orthanc and Miroir, so it is the ceiling of
 * "receive and write".
 */
final class StorescpArchive implements Archive {
    private final Path dir;
    private final int port;
    private final ManagedProcess process;

    private StorescpArchive(Path dir, int port, ManagedProcess process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    static StorescpArchive start(Path dir, int pdu) throws IOException {
        Files.createDirectories(dir);
        int port = FreePorts.next();
        return new StorescpArchive(dir, port, Dcmtk.storescp(port, dir, "--fork", "--max-pdu", String.valueOf(pdu)));
    }

    @Override
    public String name() { return "storescp"; }

    @Override
    public String aeTitle() { return "STORESCP"; }

    @Override
    public int port() { return port; }

    /** The files in its output directory: storescp writes one per instance before it answers. */
    @Override
    public long storedInstances() throws IOException { return Directories.countFiles(dir); }

    @Override
    public void close() { process.close(); }
}
