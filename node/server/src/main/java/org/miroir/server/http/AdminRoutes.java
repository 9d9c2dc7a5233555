package org.miroir.server.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.miroir.server.NodeContext;
import org.miroir.server.store.OrphanSweeper;

/** Operator actions over HTTP: {@code POST /admin/orphan-sweep} runs a sweep now (the node also runs one periodically). */
public final class AdminRoutes {
    private static final System.Logger LOG = System.getLogger(AdminRoutes.class.getName());

    private AdminRoutes() {}

    public static void mount(Router router, NodeContext node) {
        router.post("/admin/orphan-sweep").handler(rc -> sweep(node)
                .onSuccess(s -> rc.json(new JsonObject().put("examined", s.examined()).put("removed", s.removed())))
                .onFailure(t -> rc.response().setStatusCode(t instanceof IllegalStateException ? 409 : 503)
                        .end(t.getMessage())));
    }

    /** One sweep on a worker thread. */
    public static Future<OrphanSweeper.Sweep> sweep(NodeContext node) {
        return node.vertx().executeBlocking(() -> node.sweeper().sweepOnce(), false)
                .onFailure(t -> LOG.log(System.Logger.Level.WARNING, "orphan sweep failed: " + t.getMessage()));
    }
}
