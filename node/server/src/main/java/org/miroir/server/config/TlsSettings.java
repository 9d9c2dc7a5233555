package org.miroir.server.config;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The node's TLS identity (the {@code tls} section): a PKCS#12 key store with its certificate chain, and optionally a
 * PKCS#12 trust store of the client certificates (or their CAs) to accept when client authentication is on.
 *
 * @param clientAuth {@code none}, {@code request} or {@code required}
 */
public record TlsSettings(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword,
        ClientAuth clientAuth) {
    /** TLS 1.2 and 1.3 only (BCP 195): older versions are refused. */
    static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    public TlsSettings {
        if (!Files.isReadable(keyStore)) throw new IllegalArgumentException("tls.keyStore is not readable: " + keyStore);
        if (trustStore != null && !Files.isReadable(trustStore))
            throw new IllegalArgumentException("tls.trustStore is not readable: " + trustStore);
        if (clientAuth != ClientAuth.NONE && trustStore == null)
            throw new IllegalArgumentException("tls.clientAuth " + clientAuth + " needs tls.trustStore");
    }

    static TlsSettings fromJson(JsonObject j) {
        String trust = j.getString("trustStore");
        return new TlsSettings(Path.of(required(j, "keyStore")), j.getString("keyStorePassword", ""),
                trust == null ? null : Path.of(trust), j.getString("trustStorePassword", ""),
                ClientAuth.valueOf(j.getString("clientAuth", "none").toUpperCase(java.util.Locale.ROOT)));
    }

    private static String required(JsonObject j, String key) {
        String v = j.getString(key);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("tls." + key + " is required");
        return v;
    }

    /** Vert.x server options for a listener with this identity. */
    public ServerSSLOptions serverOptions() {
        ServerSSLOptions o = new ServerSSLOptions()
                .setKeyCertOptions(new PfxOptions().setPath(keyStore.toString()).setPassword(keyStorePassword))
                .setClientAuth(clientAuth)
                .setEnabledSecureTransportProtocols(new java.util.LinkedHashSet<>(PROTOCOLS));
        if (trustStore != null)
            o.setTrustOptions(new PfxOptions().setPath(trustStore.toString()).setPassword(trustStorePassword));
        return o;
    }
}
