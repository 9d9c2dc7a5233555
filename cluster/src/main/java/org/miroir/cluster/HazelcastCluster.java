package org.miroir.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.lang.System.Logger.Level;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Membership through Hazelcast (TCP-IP join with the configured members, multicast and auto-detection off, bound to
 * the configured host only) and a Vert.x clustered through vertx-hazelcast, so the event bus reaches every member.
 *
 * <p>Only Hazelcast's membership and the structures Vert.x keeps in it (event bus subscriptions) are used. The CP
 * subsystem (linearizable locks and counters) is an enterprise feature since 5.5 and is not used: decisions that must
 * be safe across a network split (which site accepts writes) belong to the disaster-recovery witness, not to Hazelcast.
 */
final class HazelcastCluster implements Cluster {
    private static final System.Logger LOG = System.getLogger(HazelcastCluster.class.getName());
    /**
     * Hazelcast's own INFO lines (banner, partition tables, health reports every 20 s) drown the node's; membership
     * changes are logged here instead. Held, so the level set on it is not lost with a collected logger.
     */
    private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");

    static {
        HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final Vertx vertx;
    private final HazelcastInstance hazelcast;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    private HazelcastCluster(Vertx vertx, HazelcastInstance hazelcast) {
        this.vertx = vertx;
        this.hazelcast = hazelcast;
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                changed("joined", e);
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                changed("left", e);
            }
        });
    }

    static Future<Cluster> join(ClusterSettings settings, VertxOptions options) {
        HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(settings));
        VertxOptions o = new VertxOptions(options);
        o.getEventBusOptions().setHost(settings.host()).setPort(settings.eventBusPort())
                .setClusterPublicHost(settings.host());
        return Vertx.builder().with(o).withClusterManager(manager).buildClustered().map(vertx -> {
            HazelcastCluster c = new HazelcastCluster(vertx, manager.getHazelcastInstance());
            LOG.log(Level.INFO, "joined cluster {0} as {1}; members {2}", settings.name(), c.localMember(), c.members());
            return c;
        });
    }

    static Config hazelcastConfig(ClusterSettings s) {
        // Vert.x's own defaults (its event bus maps), then the network and failure detection of this cluster.
        Config c = ConfigUtil.loadConfig();
        c.setClusterName(s.name());
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(s.port()).setPortAutoIncrement(false).setPublicAddress(s.host() + ":" + s.port());
        net.getInterfaces().setEnabled(true).setInterfaces(List.of(s.host()));
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(s.members()).setConnectionTimeoutSeconds(2);
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "jdk");
        // A member killed without leaving is removed after failureDetection, so its jobs move within seconds.
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(s.failureDetection().toSeconds()));
        // Members that started apart (all at once, or after a split) merge in seconds rather than minutes.
        c.setProperty("hazelcast.wait.seconds.before.join", "1");
        c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        // The node leaves when its drain is over, not when the JVM's shutdown hooks race.
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.graceful.shutdown.max.wait", "20");
        return c;
    }

    private void changed(String what, MembershipEvent e) {
        LOG.log(Level.INFO, "cluster member {0} {1}; members now {2}", toMember(e.getMember()), what, members());
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "membership listener failed", ex);
            }
        }
    }

    private static Member toMember(com.hazelcast.cluster.Member m) {
        return new Member(m.getUuid().toString(), m.getAddress().getHost() + ":" + m.getAddress().getPort());
    }

    @Override
    public Vertx vertx() { return vertx; }

    @Override
    public Member localMember() {
        return toMember(hazelcast.getCluster().getLocalMember());
    }

    @Override
    public List<Member> members() {
        if (!hazelcast.getLifecycleService().isRunning()) return List.of();
        return hazelcast.getCluster().getMembers().stream().map(HazelcastCluster::toMember)
                .sorted(Comparator.comparing(Member::id)).toList();
    }

    @Override
    public void onMembershipChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public Future<Void> leave() {
        LOG.log(Level.INFO, "leaving the cluster");
        return vertx.close();
    }
}
