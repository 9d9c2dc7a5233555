package org.miroir.server.e2e;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.testing.SelfSignedKey;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HL7 listener with TLS (key store from the node's configuration), on a node started by {@code ops/miroir run}:
 * a client trusting the node's certificate gets its acknowledgement; a plain-TCP client gets none and is closed.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class Hl7TlsTest {
    private static final Duration ANSWER = Duration.ofSeconds(30);
    private static final String A04 = Er7.msh("ADT^A04", "TLS1", "2.5", null) + Er7.seg("EVN", "A04")
            + Er7.seg("PID", "1", "", "T1^^^HOSP", "", "Tls^Tina");
    @TempDir
    static Path tmp;
    static ArchiveNode node;
    static SelfSignedKey key;

    @BeforeAll
    static void start() throws Exception {
        key = SelfSignedKey.create(tmp, "hl7");
        node = ArchiveNode.start(tmp.resolve("data"), new JsonObject().put("hl7", new JsonObject().put("tls",
                new JsonObject().put("keyStore", key.keyStore().toString()).put("keyStorePassword", key.password()))));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void aClientTrustingTheNodeIsAnswered() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(key.keyStore())) {
            trusted.load(in, key.password().toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", node.hl7Port);
        try (Mllp c = Mllp.over(socket)) {
            String ack = c.exchange(A04, ANSWER);
            assertThat(Er7.field(ack, "MSA-1")).as(ack).isEqualTo("AA");
            assertThat(Er7.field(ack, "MSA-2")).isEqualTo("TLS1");
        }
    }

    @Test
    void aPlainClientGetsNoAnswer() throws Exception {
        try (Mllp c = Mllp.connect(node.hl7Port)) {
            c.send(A04, StandardCharsets.ISO_8859_1);
            assertThat(c.closedWithin(ANSWER)).as("the TLS handshake fails and the node closes").isTrue();
        }
    }
}
