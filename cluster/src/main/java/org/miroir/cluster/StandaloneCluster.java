package org.miroir.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.util.List;
import java.util.UUID;

/** A node alone: it is the whole membership and owns every job. */
final class StandaloneCluster implements Cluster {
    private final Vertx vertx;
    private final Member self = new Member(UUID.randomUUID().toString(), "standalone");

    StandaloneCluster(Vertx vertx) {
        this.vertx = vertx;
    }

    static Future<Cluster> start(VertxOptions options) {
        return Future.succeededFuture(new StandaloneCluster(Vertx.vertx(options)));
    }

    @Override
    public Vertx vertx() { return vertx; }

    @Override
    public Member localMember() { return self; }

    @Override
    public List<Member> members() { return List.of(self); }

    @Override
    public void onMembershipChange(Runnable listener) {
        // a node alone never sees its membership change
    }

    @Override
    public Future<Void> leave() {
        return vertx.close();
    }
}
