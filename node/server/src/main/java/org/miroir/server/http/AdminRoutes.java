package org.miroir.server.http;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.miroir.cluster.Member;
import org.miroir.cluster.config.AeRegistry;
import org.miroir.cluster.config.RemoteAe;
import org.miroir.server.NodeContext;
import org.miroir.server.store.OrphanSweeper;
import org.miroir.storage.StorageException;

import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * Operator actions over HTTP, under {@code /admin}:
 * <ul>
 *   <li>{@code POST /admin/orphan-sweep}: a sweep now (the job owner also runs one periodically);</li>
 *   <li>{@code GET /admin/ae}, {@code PUT /admin/ae/{aet}} ({@code {"host": ..., "port": ...}}),
 *       {@code DELETE /admin/ae/{aet}}: the cluster-wide AE registry, used by every member at once;</li>
 *   <li>{@code GET /admin/settings}, {@code PUT /admin/settings/{name}} ({@code {"value": ...}}),
 *       {@code DELETE /admin/settings/{name}}: the cluster-wide live settings;</li>
 *   <li>{@code GET /admin/cluster}: this node's view of the members and who owns which job.</li>
 * </ul>
 * Bad input is a 400 with a JSON reason; nothing is written then. A store that cannot be reached is a 503.
 */
public final class AdminRoutes {
    private static final System.Logger LOG = System.getLogger(AdminRoutes.class.getName());
    private static final long MAX_BODY = 64 * 1024;

    private AdminRoutes() {}

    public static void mount(Router router, NodeContext node) {
        router.post("/admin/orphan-sweep").handler(rc -> sweep(node)
                .onSuccess(s -> rc.json(new JsonObject().put("examined", s.examined()).put("removed", s.removed())))
                .onFailure(t -> rc.response().setStatusCode(t instanceof IllegalStateException ? 409 : 503)
                        .end(t.getMessage())));

        router.route("/admin/ae*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
        router.route("/admin/settings*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
        router.get("/admin/ae").handler(rc -> rc.json(aeList(node.aeRegistry())));
        router.put("/admin/ae/:aet").handler(rc -> putAe(rc, node));
        router.delete("/admin/ae/:aet").handler(rc -> deleteAe(rc, node));
        router.get("/admin/settings").handler(rc -> rc.json(node.settings().describe()));
        router.put("/admin/settings/:name").handler(rc -> {
            JsonObject body = body(rc);
            if (body == null) return;
            if (!body.containsKey("value")) {
                error(rc, 400, "the body is {\"value\": ...}");
                return;
            }
            answer(rc, "setting " + rc.pathParam("name"),
                    () -> node.settings().set(rc.pathParam("name"), body.getValue("value"))
                            .map(v -> node.settings().describe()));
        });
        router.delete("/admin/settings/:name").handler(rc -> answer(rc, "setting " + rc.pathParam("name"),
                () -> node.settings().reset(rc.pathParam("name")).map(existed -> node.settings().describe())));
        router.get("/admin/cluster").handler(rc -> rc.json(cluster(node)));
    }

    /** One sweep on a worker thread. */
    public static Future<OrphanSweeper.Sweep> sweep(NodeContext node) {
        return node.vertx().executeBlocking(() -> node.sweeper().sweepOnce(), false)
                .onFailure(t -> LOG.log(Level.WARNING, "orphan sweep failed: " + t.getMessage()));
    }

    private static JsonArray aeList(AeRegistry registry) {
        JsonArray out = new JsonArray();
        for (Map.Entry<String, AeRegistry.Entry> e : registry.entries().entrySet())
            out.add(e.getValue().ae().toJson().put("aeTitle", e.getKey())
                    .put("source", e.getValue().source().name().toLowerCase(java.util.Locale.ROOT)));
        return out;
    }

    private static void putAe(RoutingContext rc, NodeContext node) {
        JsonObject body = body(rc);
        if (body == null) return;
        answer(rc, "AE " + rc.pathParam("aet"), () -> {
            RemoteAe ae = RemoteAe.fromJson(RemoteAe.checkAeTitle(rc.pathParam("aet")), body);
            LOG.log(Level.INFO, "AE registry: {0} set to {1}:{2,number,#} from {3}", ae.aeTitle(), ae.host(),
                    ae.port(), rc.request().remoteAddress());
            return node.aeRegistry().put(ae).map(v -> ae.toJson().put("aeTitle", ae.aeTitle()));
        });
    }

    private static void deleteAe(RoutingContext rc, NodeContext node) {
        String aet = rc.pathParam("aet");
        answer(rc, "AE " + aet, () -> node.aeRegistry().remove(aet).map(existed -> {
            if (existed) {
                LOG.log(Level.INFO, "AE registry: {0} removed from {1}", aet, rc.request().remoteAddress());
                return new JsonObject().put("removed", aet).put("fileEntryRemains", node.aeRegistry().definedInFile(aet));
            }
            throw new NotFound(node.aeRegistry().definedInFile(aet)
                    ? aet + " is defined in the node's configuration file, not through this API"
                    : "no AE " + aet + " in the cluster-wide registry");
        }));
    }

    private static JsonObject cluster(NodeContext node) {
        JsonArray members = new JsonArray();
        for (Member m : node.cluster().members()) members.add(new JsonObject().put("id", m.id()).put("address", m.address()));
        JsonObject jobs = new JsonObject();
        node.jobs().owners().forEach((job, owner) -> jobs.put(job, owner.address()));
        return new JsonObject().put("self", node.cluster().localMember().address()).put("members", members)
                .put("jobOwners", jobs).put("ownedHere", new JsonArray(node.jobs().ownedJobs()))
                .put("draining", node.state().draining());
    }

    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The body as a JSON object, or null after answering 400. */
    private static JsonObject body(RoutingContext rc) {
        try {
            JsonObject j = rc.body().asJsonObject();
            if (j != null) return j;
        } catch (DecodeException | ClassCastException e) {
            // answered below
        }
        error(rc, 400, "the body must be a JSON object");
        return null;
    }

    /** Runs a change; IllegalArgumentException (thrown or failed) is a 400, NotFound a 404, storage trouble a 503. */
    private static void answer(RoutingContext rc, String what, java.util.function.Supplier<Future<JsonObject>> change) {
        Future<JsonObject> f;
        try {
            f = change.get();
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onSuccess(rc::json).onFailure(t -> {
            if (t instanceof IllegalArgumentException || t instanceof NotFound) {
                error(rc, t instanceof NotFound ? 404 : 400, t.getMessage());
            } else {
                LOG.log(Level.WARNING, "admin change of " + what + " failed", t);
                error(rc, t instanceof StorageException ? 503 : 500, what + " not changed: " + t.getMessage());
            }
        });
    }

    private static void error(RoutingContext rc, int status, String reason) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", reason).encode());
    }
}
