package org.miroir.cluster.jobs;

import io.vertx.core.Future;
import org.miroir.cluster.Cluster;
import org.miroir.cluster.ClusterMetrics;
import org.miroir.cluster.Member;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs each registered job on exactly one live member: the {@link JobOwnership owner} computed from the current
 * membership. Every membership change re-evaluates ownership on every member, so a job moves as soon as the failure
 * detector removes its owner (seconds), and back when a member joins and scores higher.
 */
public final class ClusterJobs {
    private static final System.Logger LOG = System.getLogger(ClusterJobs.class.getName());

    private final Cluster cluster;
    private final ClusterMetrics metrics;
    private final Map<String, ClusterJob> jobs = new LinkedHashMap<>();
    private final Map<String, Boolean> owned = new LinkedHashMap<>();
    private boolean stopped;

    public ClusterJobs(Cluster cluster, ClusterMetrics metrics) {
        this.cluster = cluster;
        this.metrics = metrics;
        cluster.onMembershipChange(() -> cluster.vertx().runOnContext(v -> {
            metrics.membershipChanges.inc();
            rebalance();
        }));
    }

    /** Adds a job; it starts here at once if this member owns it. Call on the node's Vert.x context. */
    public synchronized void register(ClusterJob job) {
        if (jobs.putIfAbsent(job.name(), job) != null) throw new IllegalArgumentException("job " + job.name() + " twice");
        owned.put(job.name(), false);
        metrics.jobOwned.labels(job.name()).set(0);
        rebalance();
    }

    /** What a periodic job counts its runs with (the job-run metrics). */
    public PeriodicJob.JobRuns runs() {
        return metrics;
    }

    /** The jobs this member owns now. */
    public synchronized List<String> ownedJobs() {
        List<String> out = new ArrayList<>();
        owned.forEach((name, mine) -> { if (mine) out.add(name); });
        return out;
    }

    /** Every registered job's current owner, from this member's view of the membership. */
    public synchronized Map<String, Member> owners() {
        List<Member> members = cluster.members();
        Map<String, Member> out = new LinkedHashMap<>();
        if (!members.isEmpty()) for (String name : jobs.keySet()) out.put(name, JobOwnership.owner(name, members));
        return out;
    }

    private synchronized void rebalance() {
        List<Member> members = cluster.members();
        metrics.members.set(members.size());
        if (stopped || members.isEmpty()) return;
        String self = cluster.localMember().id();
        for (ClusterJob job : jobs.values()) {
            boolean mine = JobOwnership.owner(job.name(), members).id().equals(self);
            if (mine == owned.get(job.name())) continue;
            owned.put(job.name(), mine);
            metrics.jobOwned.labels(job.name()).set(mine ? 1 : 0);
            metrics.jobOwnershipChanges.labels(job.name()).inc();
            LOG.log(Level.INFO, "job {0}: {1} on {2}", job.name(), mine ? "now owned" : "no longer owned",
                    cluster.localMember().address());
            if (mine) job.start();
            else job.stop();
        }
    }

    /** Stops every job this member owns (a draining node), so the next owner can take over once it leaves. */
    public synchronized Future<Void> stopAll() {
        stopped = true;
        List<Future<Void>> stops = new ArrayList<>();
        for (ClusterJob job : jobs.values()) {
            if (!owned.get(job.name())) continue;
            owned.put(job.name(), false);
            metrics.jobOwned.labels(job.name()).set(0);
            stops.add(job.stop());
        }
        return Future.join(stops).mapEmpty();
    }
}
