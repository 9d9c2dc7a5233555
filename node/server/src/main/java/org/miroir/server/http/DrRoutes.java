package org.miroir.server.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.miroir.server.NodeContext;

import java.lang.System.Logger.Level;
import java.util.function.Supplier;

/**
 * The operator's disaster-recovery actions, under {@code /admin/dr} (failback and drills use them):
 * <ul>
 *   <li>{@code GET /admin/dr}: this node's site, role, epoch, lease, measured RPO, watermarks;</li>
 *   <li>{@code GET /admin/dr/tail?limit=N}: the journal entries the mirror never acknowledged (a former active
 *       site's unreplicated tail, by SOP Instance UID);</li>
 *   <li>{@code POST /admin/dr/verify?repair=true|false}: a full verification pass against the mirror now, reported;</li>
 *   <li>{@code POST /admin/dr/release} (active site) and {@code POST /admin/dr/claim} (mirror): a planned switch;</li>
 *   <li>{@code POST /admin/dr/become-mirror}: failback, on the former active site once its tail is saved;</li>
 *   <li>{@code POST /admin/dr/drill} {@code {"rtoSeconds": x, "lostInstances": n}}: a drill's outcome, exported.</li>
 * </ul>
 * On a node without a mirror they answer 409.
 */
public final class DrRoutes {
    private static final System.Logger LOG = System.getLogger(DrRoutes.class.getName());

    private DrRoutes() {}

    public static void mount(Router router, NodeContext node) {
        router.get("/admin/dr").handler(rc -> rc.json(node.dr().status()));
        router.get("/admin/dr/tail").handler(rc -> run(rc, node, "tail",
                () -> node.dr().unreplicatedTail(limit(rc.queryParams().get("limit")))));
        router.post("/admin/dr/verify").handler(rc -> run(rc, node, "verification",
                () -> node.dr().verifyNow(!"false".equals(rc.queryParams().get("repair"))).map(r -> r.toJson())));
        router.post("/admin/dr/release").handler(rc -> run(rc, node, "release",
                () -> node.dr().release().map(released -> node.dr().status().put("released", released))));
        router.post("/admin/dr/claim").handler(rc -> run(rc, node, "claim",
                () -> node.dr().claim().map(v -> node.dr().status())));
        router.post("/admin/dr/become-mirror").handler(rc -> run(rc, node, "become-mirror",
                () -> node.dr().becomeMirror().map(v -> node.dr().status())));
        router.post("/admin/dr/drill").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(rc -> {
            JsonObject b;
            try {
                b = rc.body().asJsonObject();
                double rto = b.getDouble("rtoSeconds");
                long lost = b.getLong("lostInstances");
                if (rto < 0 || lost < 0) throw new IllegalArgumentException("negative");
                run(rc, node, "drill", () -> node.dr().recordDrill(rto, lost).map(v -> b));
            } catch (RuntimeException e) {
                rc.response().setStatusCode(400).end(new JsonObject()
                        .put("error", "the body is {\"rtoSeconds\": x, \"lostInstances\": n}").encode());
            }
        });
    }

    private static int limit(String v) {
        if (v == null) return 10_000;
        int n = Integer.parseInt(v);
        if (n < 1 || n > 100_000) throw new IllegalArgumentException("limit must be 1-100000");
        return n;
    }

    private static void run(RoutingContext rc, NodeContext node, String what, Supplier<Future<JsonObject>> action) {
        if (!node.dr().enabled()) {
            rc.response().setStatusCode(409).end(new JsonObject().put("error", "this node has no mirror site").encode());
            return;
        }
        Future<JsonObject> f;
        try {
            f = action.get();
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onSuccess(rc::json).onFailure(t -> {
            int status = t instanceof IllegalArgumentException ? 400 : t instanceof IllegalStateException ? 409 : 503;
            LOG.log(status == 503 ? Level.WARNING : Level.INFO, "DR {0} refused: {1}", what, t.getMessage());
            rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", String.valueOf(t.getMessage())).encode());
        });
    }
}
