package org.miroir.cluster.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.miroir.cluster.Cluster;
import org.miroir.cluster.ClusterMetrics;
import org.miroir.cluster.LoopbackCluster;

/** Job ownership on a real three-member Hazelcast cluster in this JVM. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterJobsTest {
    /** Which members run the job right now, by member address. */
    private final ConcurrentHashMap<String, Boolean> running = new ConcurrentHashMap<>();
    private final AtomicInteger starts = new AtomicInteger();

    private ClusterJob job(Cluster member) {
        String who = member.localMember().address();
        return new ClusterJob() {
            @Override
            public String name() { return "sweeper"; }

            @Override
            public void start() {
                starts.incrementAndGet();
                running.put(who, true);
            }

            @Override
            public Future<Void> stop() {
                running.remove(who);
                return Future.succeededFuture();
            }
        };
    }

    @Test
    void exactlyOneMemberRunsAJobAndItMovesWhenItsOwnerLeaves() throws Exception {
        try (LoopbackCluster cluster = new LoopbackCluster(3)) {
            List<ClusterJobs> jobs = new ArrayList<>();
            List<CollectorRegistry> registries = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Cluster member = cluster.start(i);
                CollectorRegistry r = new CollectorRegistry();
                registries.add(r);
                ClusterJobs j = new ClusterJobs(member, new ClusterMetrics(r));
                member.vertx().runOnContext(v -> j.register(job(member)));
                jobs.add(j);
            }
            awaitMembers(registries, 3);
            awaitOneRunner();
            String owner = running.keySet().iterator().next();
            int ownerIndex = indexOf(cluster, owner);
            assertThat(owned(registries)).isEqualTo(1.0);
            assertThat(jobs.get(ownerIndex).ownedJobs()).containsExactly("sweeper");
            for (ClusterJobs j : jobs) assertThat(j.owners().get("sweeper").address()).isEqualTo(owner);

            // The owner drains and leaves: another member takes the job over.
            jobs.get(ownerIndex).stopAll().await(10, TimeUnit.SECONDS);
            cluster.members.get(ownerIndex).leave().await(60, TimeUnit.SECONDS);
            List<CollectorRegistry> survivors = new ArrayList<>(registries);
            survivors.remove(ownerIndex);
            awaitMembers(survivors, 2);
            awaitOneRunner();
            assertThat(running.keySet()).doesNotContain(owner);
            assertThat(owned(survivors)).isEqualTo(1.0);
            cluster.members.remove(ownerIndex);
        }
    }

    private void awaitOneRunner() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (running.size() != 1 && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(running).hasSize(1);
    }

    private static void awaitMembers(List<CollectorRegistry> registries, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (registries.stream().allMatch(r -> value(r, "miroir_cluster_members") == n)) return;
            Thread.sleep(100);
        }
        assertThat(registries).allSatisfy(r -> assertThat(value(r, "miroir_cluster_members")).isEqualTo(n));
    }

    private static double owned(List<CollectorRegistry> registries) {
        double sum = 0;
        for (CollectorRegistry r : registries) {
            Double v = r.getSampleValue("miroir_cluster_job_owned", new String[] {"cluster_job"}, new String[] {"sweeper"});
            sum += v == null ? 0 : v;
        }
        return sum;
    }

    private static double value(CollectorRegistry r, String name) {
        Double v = r.getSampleValue(name);
        return v == null ? -1 : v;
    }

    private static int indexOf(LoopbackCluster cluster, String address) {
        for (int i = 0; i < cluster.members.size(); i++)
            if (cluster.members.get(i).localMember().address().equals(address)) return i;
        throw new AssertionError("no member at " + address);
    }

    @Test
    void periodicJobRunsOneAtATimeAndStopWaitsForTheRunInProgress() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            AtomicInteger concurrent = new AtomicInteger(), maxConcurrent = new AtomicInteger(), runs = new AtomicInteger();
            List<String> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
            PeriodicJob job = new PeriodicJob("slow", vertx, Duration.ofMillis(10), () -> {
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                runs.incrementAndGet();
                return vertx.timer(100).onComplete(ar -> concurrent.decrementAndGet());
            }, (name, ok, took) -> outcomes.add(name + ":" + ok));
            vertx.runOnContext(v -> job.start());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (runs.get() < 3 && System.nanoTime() < deadline) Thread.sleep(20);
            job.stop().await(10, TimeUnit.SECONDS);
            assertThat(concurrent.get()).isZero();
            int after = runs.get();
            Thread.sleep(200);
            assertThat(runs.get()).isEqualTo(after);
            assertThat(maxConcurrent.get()).isEqualTo(1);
            assertThat(outcomes).isNotEmpty().allMatch(o -> o.equals("slow:true"));
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
