package org.miroir.cluster;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import org.miroir.cluster.jobs.PeriodicJob;

import java.time.Duration;

/**
 * The cluster's metrics, in the node's registry. Labels are job names: a fixed, small set, as {@code cluster_job}
 * ({@code job} is Prometheus's own target label: a scrape would rename it {@code exported_job}).
 */
public final class ClusterMetrics implements PeriodicJob.JobRuns {
    public final Gauge members;
    public final Counter membershipChanges;
    public final Gauge jobOwned;
    public final Counter jobOwnershipChanges;
    private final Histogram jobRuns;
    private final Gauge jobLastSuccess;

    public ClusterMetrics(CollectorRegistry registry) {
        members = Gauge.build("miroir_cluster_members", "Live members of this node's cluster, as this node sees them.")
                .register(registry);
        membershipChanges = Counter.build("miroir_cluster_membership_changes_total",
                "Membership changes this node saw (members joining or leaving).").register(registry);
        jobOwned = Gauge.build("miroir_cluster_job_owned",
                "1 when this node owns the background job (runs it for the whole cluster), else 0.")
                .labelNames("cluster_job").register(registry);
        jobOwnershipChanges = Counter.build("miroir_cluster_job_ownership_changes_total",
                "Times this node started or stopped owning a job.").labelNames("cluster_job").register(registry);
        jobRuns = Histogram.build("miroir_cluster_job_run_duration_seconds", "Runs of background jobs, by outcome.")
                .labelNames("cluster_job", "outcome").buckets(0.01, 0.1, 1, 10, 60, 600, 3600).register(registry);
        jobLastSuccess = Gauge.build("miroir_cluster_job_last_success_timestamp_seconds",
                "When a run of the job last succeeded on this node (Unix time).").labelNames("cluster_job")
                .register(registry);
    }

    @Override
    public void ran(String job, boolean succeeded, Duration took) {
        jobRuns.labels(job, succeeded ? "success" : "failure").observe(took.toNanos() / 1e9);
        if (succeeded) jobLastSuccess.labels(job).setToCurrentTime();
    }
}
