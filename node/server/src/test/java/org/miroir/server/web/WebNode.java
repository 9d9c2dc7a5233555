package org.miroir.server.web;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.miroir.server.Node;
import org.miroir.server.config.NodeConfig;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An in-process node on 127.0.0.1 (embedded storage in a temporary directory, ports chosen by the OS) and a
 * {@link DicomWebClient} for it: what the DICOMweb tests talk to.
 */
public final class WebNode extends DicomWebClient implements AutoCloseable {
    public final Vertx vertx;
    public final Node node;

    private WebNode(Vertx vertx, Node node) {
        super("http://127.0.0.1:" + node.httpPort());
        this.vertx = vertx;
        this.node = node;
    }

    public static WebNode start(Path dataDir) throws Exception {
        return start(dataDir, new JsonObject());
    }

    /** A node on {@code dataDir} with {@code extra} configuration (NodeConfig's JSON keys) over the test defaults. */
    public static WebNode start(Path dataDir, JsonObject extra) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(16));
        try {
            JsonObject cfg = new JsonObject().put("dataDir", dataDir.toString()).put("bindAddress", "127.0.0.1")
                    .put("dicomPort", 0).put("httpPort", 0).put("hl7Port", 0).mergeIn(extra);
            Node node = Node.start(vertx, NodeConfig.fromJson(cfg), false).toCompletionStage().toCompletableFuture()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new WebNode(vertx, node);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            node.stop().toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
