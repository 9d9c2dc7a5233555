package org.miroir.dr.replication;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;
import org.miroir.dr.site.SiteSettings;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Mutual TLS for replication, from the site's PKCS#12 key store (this node's certificate) and trust store (the
 * certificates, or their CA, of the other site's nodes): the receiver requires a client certificate it trusts, the
 * shipper presents its own and checks the receiver's. TLS 1.2 and 1.3 only.
 */
public final class ReplicationTls {
    private static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    private ReplicationTls() {}

    public static ServerSSLOptions server(SiteSettings.ReplicationTls t) {
        return new ServerSSLOptions().setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(new PfxOptions().setPath(t.keyStore()).setPassword(t.keyStorePassword()))
                .setTrustOptions(new PfxOptions().setPath(t.trustStore()).setPassword(t.trustStorePassword()))
                .setEnabledSecureTransportProtocols(new LinkedHashSet<>(PROTOCOLS));
    }

    /** The JDK client's TLS context (the shipper uses java.net.http, which streams blocking sources well). */
    public static SSLContext client(SiteSettings.ReplicationTls t) throws IOException {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(t.keyStore(), t.keyStorePassword()), t.keyStorePassword().toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(t.trustStore(), t.trustStorePassword()));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("replication TLS material unusable: " + e.getMessage(), e);
        }
    }

    public static String[] protocols() {
        return PROTOCOLS.toArray(String[]::new);
    }

    private static KeyStore load(String path, String password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }
}
