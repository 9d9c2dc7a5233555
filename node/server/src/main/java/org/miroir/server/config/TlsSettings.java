package org.miroir.server.config;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The node's TLS identity (the {@code tls} section): a PKCS#12 key store with its certificate chain, and optionally a
 * PKCS#12 trust store of the client certificates (or their CAs) to accept when client authentication is on. The
 * same section's form serves every TLS listener (DICOM, HTTPS, HL7), each with the BCP 195 profile.
 *
 * @param clientAuth {@code none}, {@code request} or {@code required}
 */
public record TlsSettings(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword,
        ClientAuth clientAuth) {
    /** TLS 1.2 and 1.3 only (BCP 195, RFC 9325 section 3.1): older versions are refused. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");
    /**
     * The cipher suites BCP 195 recommends (RFC 9325 section 4.2: forward secrecy and AEAD only), strongest first:
     * the TLS 1.3 suites, then TLS 1.2 with ECDHE and AES-GCM or ChaCha20-Poly1305 (the DHE suites RFC 7525 also
     * listed are left out, as RFC 9325 advises against finite-field DHE). Every other suite is disabled.
     */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    public TlsSettings {
        if (!Files.isReadable(keyStore)) throw new IllegalArgumentException("tls.keyStore is not readable: " + keyStore);
        if (trustStore != null && !Files.isReadable(trustStore))
            throw new IllegalArgumentException("tls.trustStore is not readable: " + trustStore);
        if (clientAuth != ClientAuth.NONE && trustStore == null)
            throw new IllegalArgumentException("tls.clientAuth " + clientAuth + " needs tls.trustStore");
    }

    static TlsSettings fromJson(JsonObject j) {
        return fromJson(j, "tls");
    }

    /** {@code section} names the configuration's section in error messages. */
    static TlsSettings fromJson(JsonObject j, String section) {
        String trust = j.getString("trustStore");
        return new TlsSettings(Path.of(required(j, section, "keyStore")), j.getString("keyStorePassword", ""),
                trust == null ? null : Path.of(trust), j.getString("trustStorePassword", ""),
                ClientAuth.valueOf(j.getString("clientAuth", "none").toUpperCase(java.util.Locale.ROOT)));
    }

    private static String required(JsonObject j, String section, String key) {
        String v = j.getString(key);
        if (v == null || v.isBlank()) throw new IllegalArgumentException(section + "." + key + " is required");
        return v;
    }

    /** Sets TLS with this identity and the BCP 195 profile on a listener's options (MLLP, HTTPS). */
    public <T extends NetServerOptions> T applyTo(T o) {
        ServerSSLOptions tls = serverOptions();
        o.setSsl(true).setKeyCertOptions(tls.getKeyCertOptions()).setClientAuth(tls.getClientAuth())
                .setEnabledSecureTransportProtocols(tls.getEnabledSecureTransportProtocols());
        tls.getEnabledCipherSuites().forEach(o::addEnabledCipherSuite);
        if (tls.getTrustOptions() != null) o.setTrustOptions(tls.getTrustOptions());
        return o;
    }

    /** Vert.x server options for a listener with this identity. */
    public ServerSSLOptions serverOptions() {
        ServerSSLOptions o = new ServerSSLOptions()
                .setKeyCertOptions(new PfxOptions().setPath(keyStore.toString()).setPassword(keyStorePassword))
                .setClientAuth(clientAuth)
                .setEnabledSecureTransportProtocols(new java.util.LinkedHashSet<>(PROTOCOLS));
        CIPHER_SUITES.forEach(o::addEnabledCipherSuite);
        if (trustStore != null)
            o.setTrustOptions(new PfxOptions().setPath(trustStore.toString()).setPassword(trustStorePassword));
        return o;
    }
}
