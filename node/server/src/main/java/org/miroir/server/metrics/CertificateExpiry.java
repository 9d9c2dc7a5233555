package org.miroir.server.metrics;

import io.prometheus.client.Gauge;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;

/**
 * When the certificates of a listener's TLS key store expire, for {@code miroir_tls_certificate_expiry_timestamp_seconds}:
 * the earliest end of validity among the certificate chains of its key entries (the chain fails when any of them
 * expires). Read once when the node starts, which is when it loads the key.
 */
public final class CertificateExpiry {
    private static final System.Logger LOG = System.getLogger(CertificateExpiry.class.getName());

    private CertificateExpiry() {}

    /** Sets {@code gauge}'s {@code listener} child; a key store that cannot be read is logged and left out. */
    public static void export(Gauge gauge, String listener, Path keyStore, String password, String type) {
        try {
            gauge.labels(listener).set(earliest(keyStore, password, type) / 1000.0);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the certificates of the " + listener + " key store "
                    + keyStore + " for their expiry: " + e.getMessage());
        }
    }

    /** The earliest expiry (Unix milliseconds) in the key entries' certificate chains. */
    static long earliest(Path keyStore, String password, String type) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        char[] pw = password == null ? new char[0] : password.toCharArray();
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, pw);
        }
        long earliest = Long.MAX_VALUE;
        for (String alias : Collections.list(ks.aliases())) {
            if (!ks.isKeyEntry(alias)) continue;
            Certificate[] chain = ks.getCertificateChain(alias);
            if (chain == null) continue;
            for (Certificate c : chain)
                if (c instanceof X509Certificate x) earliest = Math.min(earliest, x.getNotAfter().getTime());
        }
        if (earliest == Long.MAX_VALUE) throw new IllegalArgumentException("no certificate with a key in it");
        return earliest;
    }
}
