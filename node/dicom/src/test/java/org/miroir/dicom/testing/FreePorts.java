package org.miroir.dicom.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports on 127.0.0.1, for peers (dcmtk, Orthanc) that must be told a port up front.
 * A port is free when asked; something else may take it before the test binds it, so tests that can bind
 * port 0 themselves should. Ports handed out are not handed out again by this JVM.
 */
public final class FreePorts {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int MAX_ATTEMPTS = 100;

    private FreePorts() {}

    /** One free port. */
    public static int next() {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
                int port = s.getLocalPort();
                if (HANDED_OUT.add(port)) return port;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind an ephemeral port on 127.0.0.1", e);
            }
        }
        throw new IllegalStateException("no unused ephemeral port after " + MAX_ATTEMPTS + " attempts");
    }

    /** {@code n} distinct free ports. */
    public static int[] next(int n) {
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) ports[i] = next();
        return ports;
    }
}
