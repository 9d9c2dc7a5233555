package org.miroir.server.hl7;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.miroir.server.config.Hl7Config;
import org.miroir.server.metrics.NodeMetrics;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The HL7 v2 listener: MLLP over TCP (or TLS) on a Vert.x NetServer, on the node's bind address like DICOM, so a TCP
 * load balancer can send any connection to any node. Each connection is served on its event loop: bytes go through
 * the {@link MllpFramer}; a whole message is handed to the {@link Hl7Receiver} while the socket is paused (HL7's
 * original mode is one message, one acknowledgement, in order), and reading resumes once its acknowledgement is
 * written. Bounded: connections ({@code maxConnections}, more are closed at once), message size (larger ones get AR),
 * bytes outside frames, a message's time from start block to end block ({@code frameTimeout}) and silence
 * ({@code idleTimeout}); a message without MSH cannot be answered, so its connection is closed.
 */
public final class MllpServer {
    private static final System.Logger LOG = System.getLogger(MllpServer.class.getName());

    private final Vertx vertx;
    private final Hl7Config config;
    private final Hl7Receiver receiver;
    private final NodeMetrics metrics;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private NetServer server;

    public MllpServer(Vertx vertx, Hl7Config config, Hl7Receiver receiver, NodeMetrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.receiver = receiver;
        this.metrics = metrics;
    }

    /** Starts listening; completes with the bound port (0: any free one). */
    public Future<Integer> listen(String host, int port) {
        NetServerOptions o = new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true)
                .setIdleTimeout((int) config.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        if (config.tls() != null) config.tls().applyTo(o);
        server = vertx.createNetServer(o).connectHandler(this::accept);
        return server.listen().map(s -> {
            LOG.log(Level.INFO, "HL7 MLLP listener on {0}:{1,number,#}{2}", host, s.actualPort(),
                    config.tls() != null ? " (TLS)" : "");
            return s.actualPort();
        });
    }

    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    /** Stops listening and closes the open connections (a message being applied completes in the store). */
    public Future<Void> close() {
        List<Future<Void>> closing = new ArrayList<>();
        for (Connection c : connections) closing.add(c.socket.close());
        return Future.join(closing).transform(x -> server == null ? Future.succeededFuture() : server.close());
    }

    private void accept(NetSocket socket) {
        if (connections.size() >= config.maxConnections()) {
            LOG.log(Level.WARNING, "HL7 connection from {0} refused: {1} open already", socket.remoteAddress(),
                    config.maxConnections());
            metrics.hl7ConnectionsClosed.labels("limit").inc();
            socket.close();
            return;
        }
        Connection c = new Connection(socket);
        connections.add(c);
        metrics.hl7Connections.inc();
        socket.closeHandler(v -> c.closed());
        socket.exceptionHandler(t -> c.close("error", t.toString()));
        socket.handler(c::read);
        LOG.log(Level.DEBUG, () -> "HL7 connection from " + socket.remoteAddress());
    }

    /** One MLLP connection, on its event loop. */
    private final class Connection implements MllpFramer.Sink {
        /** A message waiting for its turn: its bytes, or the head and length of an oversized one. */
        private record Work(byte[] bytes, long oversizedLength) {}

        final NetSocket socket;
        private final String peer;
        private final MllpFramer framer;
        private final ArrayDeque<Work> waiting = new ArrayDeque<>();
        private boolean busy;
        private boolean open = true;
        private long frameTimer = -1;

        Connection(NetSocket socket) {
            this.socket = socket;
            this.peer = String.valueOf(socket.remoteAddress());
            this.framer = new MllpFramer(config.maxMessageBytes(), this);
        }

        void read(Buffer b) {
            framer.feed(b.getBytes());
        }

        @Override
        public void messageStarted() {
            cancelFrameTimer();
            frameTimer = vertx.setTimer(config.frameTimeout().toMillis(), id -> {
                frameTimer = -1;
                close("frame_timeout", "no end block " + config.frameTimeout().toMillis() + " ms after the start block");
            });
        }

        @Override
        public void message(byte[] bytes) {
            cancelFrameTimer();
            waiting.add(new Work(bytes, -1));
            next();
        }

        @Override
        public void oversized(byte[] head, long length) {
            cancelFrameTimer();
            waiting.add(new Work(head, length));
            next();
        }

        @Override
        public void garbage(long bytes) {
            close("garbage", bytes + " bytes outside MLLP frames");
        }

        /** Serves the next waiting message unless one is being served; reads resume once none is left. */
        private void next() {
            if (busy || !open) return;
            Work w = waiting.poll();
            if (w == null) {
                socket.resume();
                // The next message's frame timer runs while its bytes can arrive, not while an answer was awaited.
                if (framer.inMessage()) messageStarted();
                return;
            }
            busy = true;
            socket.pause();
            cancelFrameTimer();
            Future<Hl7Receiver.Answer> answer = w.oversizedLength < 0 ? receiver.receive(w.bytes, peer)
                    : receiver.receiveOversized(w.bytes, w.oversizedLength, peer, config.maxMessageBytes());
            answer.onComplete(ar -> {
                byte[] ack = ar.succeeded() ? ar.result().bytes() : null;
                if (ack == null) {
                    close("unanswerable", ar.succeeded() ? "a message without a usable MSH" : ar.cause().toString());
                    return;
                }
                if (!open) return;
                Buffer frame = Buffer.buffer(ack.length + 3).appendByte(MllpFramer.START_BLOCK).appendBytes(ack)
                        .appendByte(MllpFramer.END_BLOCK).appendByte(MllpFramer.CARRIAGE_RETURN);
                socket.write(frame).onComplete(written -> {
                    busy = false;
                    next();
                });
            });
        }

        void close(String reason, String why) {
            if (!open) return;
            LOG.log(Level.WARNING, "HL7 connection from {0} closed: {1}", peer, why);
            metrics.hl7ConnectionsClosed.labels(reason).inc();
            open = false;
            socket.close();
        }

        void closed() {
            open = false;
            cancelFrameTimer();
            if (connections.remove(this)) metrics.hl7Connections.dec();
            LOG.log(Level.DEBUG, () -> "HL7 connection from " + peer + " ended");
        }

        private void cancelFrameTimer() {
            if (frameTimer >= 0) vertx.cancelTimer(frameTimer);
            frameTimer = -1;
        }
    }
}
