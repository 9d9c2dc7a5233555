package org.miroir.server.audit;

import org.miroir.server.config.TlsSettings;

import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * A connection to the audit record repository: syslog over TLS (RFC 5425, the BCP 195 profile, the repository's
 * certificate checked against the trust store and its host name) or plain TCP, with octet-counting framing.
 * Blocking: used on the audit thread only.
 */
final class SyslogConnection implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int WRITE_TIMEOUT_MILLIS = 30_000;
    /** facility 10 (security/authorization), severity 5 (notice): PRI 85, as PS3.15 A.6 has it. */
    private static final int PRI = 10 * 8 + 5;
    private static final String APP_NAME = "miroir";
    /** PS3.15 A.6: the MSGID of DICOM audit messages. */
    private static final String MSG_ID = "DICOM+RFC3881";

    private final Socket socket;

    private SyslogConnection(Socket socket) {
        this.socket = socket;
    }

    static SocketFactory factory(AuditSettings s) throws IOException, GeneralSecurityException {
        if (!s.tls()) return SocketFactory.getDefault();
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(s.trustStore() == null ? null : load(s.trustStore(), s.trustStorePassword()));
        KeyManagerFactory kmf = null;
        if (s.keyStore() != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(s.keyStore(), s.keyStorePassword()), s.keyStorePassword().toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    static SyslogConnection open(SocketFactory factory, String host, int port) throws IOException {
        Socket s = factory.createSocket();
        try {
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            s.setTcpNoDelay(true);
            s.setSoTimeout(WRITE_TIMEOUT_MILLIS);
            if (s instanceof SSLSocket tls) {
                tls.setEnabledProtocols(TlsSettings.PROTOCOLS.toArray(String[]::new));
                tls.setEnabledCipherSuites(TlsSettings.CIPHER_SUITES.stream()
                        .filter(java.util.Set.of(tls.getSupportedCipherSuites())::contains).toArray(String[]::new));
                var params = tls.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the repository
                tls.setSSLParameters(params);
                tls.startHandshake();
            }
            return new SyslogConnection(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** One syslog frame: {@code MSG-LEN SP SYSLOG-MSG} (RFC 6587 3.4.1, RFC 5425 4.3) of an RFC 5424 message. */
    static byte[] frame(String hostName, String procId, Instant time, String xml) {
        String header = "<" + PRI + ">1 " + DateTimeFormatter.ISO_INSTANT.format(time) + " " + hostName + " "
                + APP_NAME + " " + procId + " " + MSG_ID + " - ";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        // RFC 5424 6.4: a BOM says the MSG is UTF-8.
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        int len = h.length + bom.length + body.length;
        byte[] prefix = (len + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + len];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(h, 0, out, prefix.length, h.length);
        System.arraycopy(bom, 0, out, prefix.length + h.length, bom.length);
        System.arraycopy(body, 0, out, prefix.length + h.length + bom.length, body.length);
        return out;
    }

    void write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /**
     * Whether the repository still holds the connection open: syslog has no acknowledgement, but a repository that
     * went away has closed (or reset) it, which a short read shows. What was written before a successful check is
     * taken as delivered.
     */
    boolean alive() {
        try {
            socket.setSoTimeout(1);
            int b = socket.getInputStream().read();
            return b >= 0; // a repository sends nothing; anything it does send is ignored
        } catch (SocketTimeoutException stillOpen) {
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            try {
                socket.setSoTimeout(WRITE_TIMEOUT_MILLIS);
            } catch (IOException ignored) {
                // the next write finds out
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a dead connection
        }
    }
}
