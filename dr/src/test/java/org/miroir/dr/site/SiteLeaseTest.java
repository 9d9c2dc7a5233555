package org.miroir.dr.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.cluster.config.SharedConfig;
import org.miroir.dicom.testing.CuttableProxy;
import org.miroir.dr.witness.LeaseBook;
import org.miroir.dr.witness.WitnessClient;
import org.miroir.dr.witness.WitnessFile;
import org.miroir.dr.witness.WitnessServer;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.metadata.MetadataStore;

/**
 * Two sites' leases against a real witness over HTTP: the passive site takes over only once the active one has
 * stopped accepting writes, never at the same moment; the former active stays fenced; a planned switch works.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SiteLeaseTest {
    private static final Duration LEASE = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private Vertx vertx;
    private WitnessServer witness;
    private CuttableProxy parisLink;
    private int witnessPort;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void startWitness() throws Exception {
        vertx = Vertx.vertx();
        witness = new WitnessServer(vertx, new LeaseBook(new WitnessFile(dir.resolve("witness")), 60_000, System::nanoTime));
        witnessPort = witness.listen("127.0.0.1", 0, null).await(10, TimeUnit.SECONDS);
        parisLink = CuttableProxy.start("127.0.0.1", witnessPort);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) c.close();
        parisLink.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private SiteLease site(String id, SiteRole initial, int witnessPort) throws Exception {
        return node(id, initial, witnessPort, memory(id));
    }

    /** A site's memory, as its nodes share it (its metadata store). */
    private SiteMemory memory(String id) throws Exception {
        MetadataStore store = StorageDrivers.provider("embedded")
                .openMetadataStore(StorageConfig.of(Map.of("data-dir", dir.resolve(id).toString())));
        SharedConfig config = new SharedConfig(vertx, store);
        config.start(Duration.ofHours(1)).await(10, TimeUnit.SECONDS);
        closing.add(() -> {
            config.stop().await(10, TimeUnit.SECONDS);
            store.close();
        });
        return new SiteMemory(config);
    }

    /** One node of a site. */
    private SiteLease node(String id, SiteRole initial, int witnessPort, SiteMemory memory) throws Exception {
        SiteSettings s = SiteSettings.fromJson(new JsonObject().put("id", id).put("initialRole", initial.name())
                .put("witness", "http://127.0.0.1:" + witnessPort).put("leaseMillis", LEASE.toMillis())
                .put("rtoSeconds", 30));
        SiteLease lease = new SiteLease(vertx, s, new WitnessClient(vertx, s.witness(), Duration.ofMillis(400), null),
                memory, System::nanoTime);
        lease.start().await(10, TimeUnit.SECONDS);
        closing.add(0, lease::stop);
        return lease;
    }

    private static void await(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(condition.getAsBoolean()).isTrue();
    }

    @Test
    void theMirrorTakesOverOnlyAfterTheActiveSiteCutFromTheWitnessStoppedAcceptingWrites() throws Exception {
        SiteLease paris = site("paris", SiteRole.ACTIVE, parisLink.port);
        SiteLease lyon = site("lyon", SiteRole.PASSIVE, witnessPort());
        await(paris::writesAllowed, Duration.ofSeconds(5));
        assertThat(paris.epoch()).isEqualTo(1);
        Thread.sleep(LEASE.toMillis() * 2); // renewals keep it: the mirror never takes over while paris renews
        assertThat(lyon.writesAllowed()).isFalse();
        assertThat(lyon.role()).isEqualTo(SiteRole.PASSIVE);

        parisLink.cut();
        long parisStopped = -1, lyonStarted = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && lyonStarted < 0) {
            boolean p = paris.writesAllowed(), l = lyon.writesAllowed();
            assertThat(p && l).as("both sites accepting writes at once").isFalse();
            if (!p && parisStopped < 0) parisStopped = System.nanoTime();
            if (l) lyonStarted = System.nanoTime();
            Thread.sleep(5);
        }
        assertThat(lyonStarted).as("lyon took over").isPositive();
        assertThat(lyonStarted - parisStopped).as("paris stopped first").isPositive();
        assertThat(lyon.epoch()).isEqualTo(2);
        assertThat(paris.role()).isEqualTo(SiteRole.FENCED);

        // The link back: paris learns of the higher epoch and stays fenced (it held the lease, lost it, never stepped down).
        parisLink.restore();
        await(() -> paris.epoch() == 2, Duration.ofSeconds(10));
        assertThat(paris.role()).isEqualTo(SiteRole.FENCED);
        assertThat(paris.writesAllowed()).isFalse();
    }

    @Test
    void aPlannedSwitchMovesTheLeaseWithAHigherEpochAndTheOldSiteBecomesTheMirror() throws Exception {
        SiteLease paris = site("paris", SiteRole.ACTIVE, witnessPort());
        SiteLease lyon = site("lyon", SiteRole.PASSIVE, witnessPort());
        await(paris::writesAllowed, Duration.ofSeconds(5));
        assertThat(paris.release().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(paris.writesAllowed()).isFalse();
        lyon.claim().await(10, TimeUnit.SECONDS);
        await(lyon::writesAllowed, Duration.ofSeconds(5));
        assertThat(lyon.epoch()).isEqualTo(2);
        await(() -> paris.epoch() == 2, Duration.ofSeconds(5));
        assertThat(paris.role()).isEqualTo(SiteRole.PASSIVE);
    }

    @Test
    void whenOneNodeReleasesTheLeaseTheOtherNodesOfItsSiteStopWritingAndNeverTakeItBack() throws Exception {
        SiteMemory parisMemory = memory("paris");
        SiteLease paris1 = node("paris", SiteRole.ACTIVE, witnessPort(), parisMemory);
        SiteLease paris2 = node("paris", SiteRole.ACTIVE, witnessPort(), parisMemory);
        SiteLease lyon = site("lyon", SiteRole.PASSIVE, witnessPort());
        await(() -> paris1.writesAllowed() && paris2.writesAllowed(), Duration.ofSeconds(5));
        assertThat(paris2.epoch()).isEqualTo(1);

        assertThat(paris1.release().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(paris2.writesAllowed()).as("the other node, before its next renewal").isFalse();
        assertThat(paris2.shipping()).as("its last writes still ship").isTrue();
        // Several renewal periods: paris2's renewals are refused, nobody takes the lease until the mirror claims it.
        Thread.sleep(LEASE.toMillis() * 2);
        assertThat(paris2.epoch()).isEqualTo(1);
        assertThat(paris2.holder()).isNull();
        assertThat(paris2.role()).isEqualTo(SiteRole.PASSIVE);
        assertThat(lyon.role()).isEqualTo(SiteRole.PASSIVE);

        lyon.claim().await(10, TimeUnit.SECONDS);
        await(lyon::writesAllowed, Duration.ofSeconds(5));
        assertThat(lyon.epoch()).isEqualTo(2);
        await(() -> paris2.epoch() == 2 && paris1.epoch() == 2, Duration.ofSeconds(5));
        assertThat(paris1.role()).isEqualTo(SiteRole.PASSIVE);
        assertThat(paris2.role()).isEqualTo(SiteRole.PASSIVE);
        assertThat(paris2.shipping()).isFalse();
    }

    private int witnessPort() {
        return witnessPort;
    }
}
