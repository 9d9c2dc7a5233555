package org.miroir.dicom.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A self-signed RSA key for localhost and 127.0.0.1, made by the JDK's keytool: a PKCS#12 key store and the
 * certificate as PEM, for TLS tests.
 */
public record SelfSignedKey(Path keyStore, Path certificate, String password) {

    /** Makes the key under {@code dir} ({@code name}.p12 and {@code name}.pem). */
    public static SelfSignedKey create(Path dir, String name) {
        Path keyStore = dir.resolve(name + ".p12");
        Path certificate = dir.resolve(name + ".pem");
        String password = "secret";
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Processes.run(List.of(keytool, "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore",
                keyStore.toString(), "-storetype", "PKCS12", "-storepass", password, "-keypass", password), Map.of(),
                Duration.ofMinutes(1), true, 1 << 16).assertOk();
        Processes.run(List.of(keytool, "-exportcert", "-rfc", "-alias", name, "-keystore", keyStore.toString(),
                "-storepass", password, "-file", certificate.toString()), Map.of(), Duration.ofMinutes(1), true,
                1 << 16).assertOk();
        return new SelfSignedKey(keyStore, certificate, password);
    }
}
