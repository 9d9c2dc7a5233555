package org.miroir.dicom.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on 127.0.0.1 in front of one target, that a test can cut (every connection closed, new ones refused
 * as if the link were down) and restore: a network link between two sites, or a site and its witness.
 */
public final class CuttableProxy implements AutoCloseable {
    private final Vertx vertx;
    private final NetServer server;
    private final NetClient client;
    private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    public final int port;

    private CuttableProxy(Vertx vertx, NetServer server, NetClient client) {
        this.vertx = vertx;
        this.server = server;
        this.client = client;
        this.port = server.actualPort();
    }

    /** Starts a proxy to {@code targetHost:targetPort} on a free port of 127.0.0.1. */
    public static CuttableProxy start(String targetHost, int targetPort) throws Exception {
        Vertx vertx = Vertx.vertx();
        NetClient client = vertx.createNetClient();
        CuttableProxy[] self = new CuttableProxy[1];
        NetServer server = vertx.createNetServer().connectHandler(in -> self[0].accept(in, targetHost, targetPort));
        server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        self[0] = new CuttableProxy(vertx, server, client);
        return self[0];
    }

    private void accept(NetSocket in, String host, int port) {
        if (cut) {
            in.close();
            return;
        }
        in.pause();
        client.connect(port, host).onComplete(ar -> {
            if (ar.failed() || cut) {
                in.close();
                if (ar.succeeded()) ar.result().close();
                return;
            }
            NetSocket out = ar.result();
            open.add(in);
            open.add(out);
            in.pipeTo(out).onComplete(x -> out.close());
            out.pipeTo(in).onComplete(x -> in.close());
            in.closeHandler(v -> open.remove(in));
            out.closeHandler(v -> open.remove(out));
            in.resume();
        });
    }

    /** Cuts the link: closes every connection through it and refuses new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        open.forEach(NetSocket::close);
    }

    public void restore() {
        cut = false;
    }

    @Override
    public void close() throws Exception {
        cut();
        Future.join(server.close(), client.close()).await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
