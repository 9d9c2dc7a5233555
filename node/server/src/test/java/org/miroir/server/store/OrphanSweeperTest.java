package org.miroir.server.store;

import io.vertx.core.json.JsonObject;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.server.metrics.NodeMetrics;
import org.miroir.server.storage.Storage;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The sweeper removes old objects no index row points to, and spares indexed and young ones (embedded store). */
class OrphanSweeperTest {
    @TempDir Path dir;
    private Storage storage;
    private final NodeMetrics metrics = new NodeMetrics();

    @BeforeEach
    void open() {
        storage = Storage.open(new JsonObject(), dir);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void removesOnlyOldUnreferencedObjects() throws Exception {
        SyntheticStudies gen = SyntheticStudies.ctSeries(1);
        SyntheticStudies.Instance inst = gen.instances().get(0);
        Ingest ingest = new Ingest(storage.metadata(), storage.objects(), () -> DuplicatePolicy.IGNORE, () -> true, metrics, 10_000);
        String ts = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();
        Ingest.Result stored = ingest.storeDataset(new ByteArrayInputStream(encode(gen.dataset(inst), ts)), ts,
                inst.sopClassUid(), inst.sopInstanceUid(), "TEST");
        assertThat(stored.status().code()).isEqualTo(Status.SUCCESS.code());
        String orphan = "orphan-" + System.nanoTime();
        storage.objects().put(orphan, new ByteArrayInputStream(new byte[1234]), 1234);

        // Everything is younger than a one-hour grace: nothing goes.
        OrphanSweeper patient = new OrphanSweeper(storage.metadata(), storage.objects(), metrics,
                Duration.ofHours(1), Clock.systemUTC());
        assertThat(patient.sweepOnce()).isEqualTo(new OrphanSweeper.Sweep(2, 0));
        assertThat(storage.objects().stat(orphan)).isPresent();

        // An hour later both are old: only the orphan goes.
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
        OrphanSweeper sweeper = new OrphanSweeper(storage.metadata(), storage.objects(), metrics,
                Duration.ofHours(1), later);
        assertThat(sweeper.sweepOnce()).isEqualTo(new OrphanSweeper.Sweep(2, 1));
        assertThat(storage.objects().stat(orphan)).isEmpty();
        assertThat(storage.objects().stat(stored.record().objectKey())).isPresent();
        assertThat(metrics.orphansRemoved.get()).isEqualTo(1.0);
    }

    private static byte[] encode(Attributes ds, String ts) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DicomOutputStream dos = new DicomOutputStream(out, ts)) {
            dos.writeDataset(ds);
        }
        return out.toByteArray();
    }
}
