package org.miroir.server.e2e;

import org.miroir.dicom.testing.SelfSignedKey;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A syslog receiver over TLS (RFC 5425) on 127.0.0.1 for tests: octet-counted frames (RFC 6587 3.4.1), each kept
 * whole as text. {@link #stop()} closes the listener and every connection (the repository going away);
 * {@link #start()} listens again on the same port.
 */
final class SyslogReceiver implements AutoCloseable {
    private final SSLContext tls;
    private final int port;
    private final List<String> messages = new ArrayList<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile SSLServerSocket server;

    SyslogReceiver(SelfSignedKey key, int port) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(key.keyStore())) {
            ks.load(in, key.password().toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, key.password().toCharArray());
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        this.port = port;
    }

    int port() {
        return port;
    }

    void start() throws IOException {
        SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = s;
        Thread accept = new Thread(() -> {
            while (!s.isClosed()) {
                try {
                    Socket c = s.accept();
                    connections.add(c);
                    Thread reader = new Thread(() -> read(c), "syslog-reader");
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "syslog-accept");
        accept.setDaemon(true);
        accept.start();
    }

    private void read(Socket c) {
        try (c; InputStream in = new BufferedInputStream(c.getInputStream())) {
            while (true) {
                int len = 0;
                int b;
                while ((b = in.read()) != ' ') {
                    if (b < '0' || b > '9') return; // end of stream (or not a frame)
                    len = len * 10 + (b - '0');
                }
                byte[] frame = in.readNBytes(len);
                if (frame.length < len) return;
                synchronized (messages) {
                    messages.add(new String(frame, StandardCharsets.UTF_8));
                    messages.notifyAll();
                }
            }
        } catch (IOException closed) {
            // the receiver stopped, or the node went
        } finally {
            connections.remove(c);
        }
    }

    void stop() throws IOException {
        server.close();
        for (Socket c : connections) c.close();
    }

    List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Waits (at most {@code timeout}) until at least {@code n} messages have arrived; returns them all. */
    List<String> await(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (messages) {
            while (messages.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                messages.wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(messages);
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
