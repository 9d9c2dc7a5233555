package org.miroir.dicom.net;

import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.SelfSignedKey;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Miroir SCP with TLS (self-signed key made by keytool here): dcmtk's echoscu over TLS, and Miroir's own SCU. */
@Tag("interop")
class TlsInteropTest {
    static Vertx vertx;
    static DicomServer server;
    static int port;
    static Path keystore;
    static Path certificate;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Dcmtk.assumeInstalled();
        SelfSignedKey key = SelfSignedKey.create(dir, "scp");
        keystore = key.keyStore();
        certificate = key.certificate();
        vertx = Vertx.vertx();
        ApplicationEntity ae = new ApplicationEntity("MIROIR")
                .addTransferCapability(TransferCapability.scp(UID.Verification, UID.ImplicitVRLittleEndian));
        server = new DicomServer(vertx, new AssociationOptions()).addApplicationEntity(ae);
        port = server.listen("127.0.0.1", 0, new ServerSSLOptions()
                .setKeyCertOptions(new PfxOptions().setPath(keystore.toString()).setPassword("secret")))
                .await(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void echoscuOverTls() {
        Dcmtk.run("echoscu", "+tla", "+cf", certificate.toString(), "-aec", "MIROIR", "127.0.0.1", String.valueOf(port)).assertOk();
    }

    @Test
    void echoscuWithoutTlsFails() {
        assertThat(Dcmtk.run("echoscu", "-aec", "MIROIR", "-to", "3", "-ta", "3", "127.0.0.1", String.valueOf(port)).ok()).isFalse();
    }

    @Test
    void miroirScuOverTls() throws Exception {
        DicomClient client = new DicomClient(vertx, new AssociationOptions());
        AssociationRequest rq = new AssociationRequest("SCU", "MIROIR");
        rq.addPresentationContext(UID.Verification, UID.ImplicitVRLittleEndian);
        rq.setTls(new ClientSSLOptions().setHostnameVerificationAlgorithm("HTTPS")
                .setTrustOptions(new PemTrustOptions().addCertPath(certificate.toString())));
        Association as = client.connect("127.0.0.1", port, rq).await(10, TimeUnit.SECONDS);
        assertThat(as.cecho().await(10, TimeUnit.SECONDS).status()).isZero();
        as.release().await(10, TimeUnit.SECONDS);

        AssociationRequest untrusting = new AssociationRequest("SCU", "MIROIR");
        untrusting.addPresentationContext(UID.Verification, UID.ImplicitVRLittleEndian);
        untrusting.setTls(new ClientSSLOptions().setHostnameVerificationAlgorithm("HTTPS")); // the JDK's default trust store does not know our certificate
        assertThatThrownBy(() -> client.connect("127.0.0.1", port, untrusting).await(10, TimeUnit.SECONDS)).isNotNull();
    }
}
