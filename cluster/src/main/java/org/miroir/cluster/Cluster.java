package org.miroir.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.util.List;

/**
 * The node's view of its site's cluster: the Vert.x it runs on (clustered when there are other members, so the event
 * bus reaches them), the live members, and notice when they change. Membership comes from Hazelcast's failure
 * detector; nothing safety-critical relies on it agreeing across a network split (see the module README).
 */
public interface Cluster {

    /** Joins the cluster the settings name, or starts a node alone when they name no members. */
    static Future<Cluster> start(ClusterSettings settings, VertxOptions options) {
        return settings.clustered() ? HazelcastCluster.join(settings, options) : StandaloneCluster.start(options);
    }

    /** A node alone on an existing Vert.x (tests that run several nodes on one Vert.x). */
    static Cluster alone(Vertx vertx) {
        return new StandaloneCluster(vertx);
    }

    Vertx vertx();

    Member localMember();

    /** Live members, this one included, in a stable order (by id). */
    List<Member> members();

    /** Called (on any thread) after every membership change; read {@link #members()} for the new view. */
    void onMembershipChange(Runnable listener);

    /** Leaves the cluster (other members see this one go at once) and closes Vert.x. */
    Future<Void> leave();
}
