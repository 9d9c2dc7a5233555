package org.miroir.dicom.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.miroir.dicom.data.UID;

/** A draining server refuses new connections and lets the associations in progress finish, within a bound. */
class DicomServerDrainTest {
    private static final long T = 10;

    private Vertx vertx;
    private DicomServer server;
    private DicomClient client;
    private int port;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        ApplicationEntity ae = new ApplicationEntity("MIROIR")
                .addTransferCapability(TransferCapability.scp(UID.Verification, UID.ImplicitVRLittleEndian));
        server = new DicomServer(vertx, new AssociationOptions()).addApplicationEntity(ae);
        port = server.listen("127.0.0.1", 0).await(T, TimeUnit.SECONDS);
        client = new DicomClient(vertx, new AssociationOptions());
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().await(T, TimeUnit.SECONDS);
    }

    private Association connect() throws Exception {
        AssociationRequest rq = new AssociationRequest("SCU", "MIROIR");
        rq.addPresentationContext(UID.Verification, UID.ImplicitVRLittleEndian);
        return client.connect("127.0.0.1", port, rq).await(T, TimeUnit.SECONDS);
    }

    @Test
    void associationsInProgressFinishWhileNewConnectionsAreRefused() throws Exception {
        Association open = connect();
        Future<Void> drained = server.drain(Duration.ofSeconds(30));
        Thread.sleep(300);
        assertThat(drained.isComplete()).isFalse();
        assertThatThrownBy(this::connect).hasMessageContaining("refused");
        // The association opened before the drain still works, and its release ends the drain.
        assertThat(open.cecho().await(T, TimeUnit.SECONDS).status()).isZero();
        open.release().await(T, TimeUnit.SECONDS);
        drained.await(T, TimeUnit.SECONDS);
        assertThat(server.openAssociations()).isZero();
    }

    @Test
    void associationsStillOpenAtTheDeadlineAreAborted() throws Exception {
        Association idle = connect();
        server.drain(Duration.ofMillis(500)).await(T, TimeUnit.SECONDS);
        idle.closeFuture().await(T, TimeUnit.SECONDS);
        assertThat(idle.state()).isEqualTo(StateMachine.State.STA1);
        assertThat(server.openAssociations()).isZero();
    }
}
