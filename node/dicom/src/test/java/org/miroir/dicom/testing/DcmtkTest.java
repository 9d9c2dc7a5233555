package org.miroir.dicom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself: dcmtk peers start, answer, and stop; failures carry the tool's output. */
class DcmtkTest {
    @BeforeAll
    static void dcmtk() {
        Dcmtk.assumeInstalled();
        PydicomCorpus.assumeInstalled();
    }

    @Test
    void storescpReceivesWhatStorescuSendsAndStopsOnClose(@TempDir Path dir) throws IOException {
        int port = FreePorts.next();
        Path file = PydicomCorpus.TEST_FILES.resolve("CT_small.dcm");
        ManagedProcess scp;
        try (ManagedProcess s = Dcmtk.storescp(port, dir)) {
            scp = s;
            Dcmtk.run("echoscu", "127.0.0.1", String.valueOf(port)).assertOk();
            Dcmtk.run("storescu", "127.0.0.1", String.valueOf(port), file.toString()).assertOk();
        }
        assertThat(scp.isAlive()).isFalse();
        try (Stream<Path> received = Files.list(dir)) {
            assertThat(received).singleElement().satisfies(p -> assertThat(Files.size(p)).isPositive());
        }
    }

    @Test
    void failedRunReportsCommandExitCodeAndOutput() {
        int closedPort = FreePorts.next();
        Processes.Result r = Dcmtk.run("echoscu", "127.0.0.1", String.valueOf(closedPort));
        assertThat(r.ok()).isFalse();
        assertThatThrownBy(r::assertOk).hasMessageContaining("echoscu 127.0.0.1 " + closedPort)
                .hasMessageContaining("exit code").hasMessageContaining("Association Request Failed");
    }

    @Test
    void runThatOutlivesItsTimeoutIsDestroyed() {
        int port = FreePorts.next();
        // storescp never exits by itself.
        Processes.Result r = Dcmtk.run(Duration.ofMillis(500), "storescp", "--ignore", String.valueOf(port));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.ok()).isFalse();
    }

    @Test
    void serverThatCannotListenFailsFastWithItsOutput() {
        assertThatThrownBy(() -> Dcmtk.start(FreePorts.next(), "storescp", "--no-such-option"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("exited with")
                .hasMessageContaining("--no-such-option");
    }

    @Test
    void freePortsAreDistinct() {
        int[] ports = FreePorts.next(20);
        assertThat(ports).doesNotHaveDuplicates();
        assertThat(java.util.Arrays.stream(ports)).allMatch(p -> p > 0 && p < 65536);
    }
}
