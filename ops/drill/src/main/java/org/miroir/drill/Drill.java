package org.miroir.drill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.dr.failback.Failback;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A disaster-recovery drill on one machine ({@code ops/drill/run}): a witness and two sites, steady C-STORE traffic
 * into the active one, then every node of the active site killed (kill -9). It measures
 * <ul>
 *   <li>the RTO: from the kill until the mirror's balancer acknowledges a C-STORE;</li>
 *   <li>the data lost: instances the dead site acknowledged that the new active site does not hold, by SOP Instance
 *       UID; every instance acknowledged more than one RPO before the kill must be there;</li>
 * </ul>
 * then restarts the dead site (it must stay fenced and report its unreplicated tail, which must hold every lost
 * instance) and fails back (the tail saved, the site made the verified mirror, then active again), and checks that
 * replication runs the other way. The report compares it all with the objectives; {@link Report#ok()} is false when
 * one is missed.
 */
public final class Drill {
    private final TwoSites sites;
    private final Duration ingest;
    private final int senders;
    private final double rate;
    private final PrintStream log;

    /** {@code rate}: C-STOREs per second over all senders, 0 for as fast as the site answers. */
    Drill(TwoSites sites, Duration ingest, int senders, double rate, PrintStream log) {
        this.sites = sites;
        this.ingest = ingest;
        this.senders = senders;
        this.rate = rate;
        this.log = log;
    }

    /** What a drill found. */
    public record Report(JsonObject json) {
        public boolean ok() {
            return json.getBoolean("ok", false);
        }
    }

    public static void main(String[] args) throws Exception {
        String storage = "embedded";
        Integer nodes = null;
        Path dir = null;
        long ingestSeconds = 15, leaseSeconds = 10, rpoSeconds = 10, rtoSeconds = 60;
        int senders = 4;
        double rate = 0;
        boolean keep = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--storage" -> storage = args[++i];
                    case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                    case "--dir" -> dir = Path.of(args[++i]);
                    case "--ingest-seconds" -> ingestSeconds = Long.parseLong(args[++i]);
                    case "--senders" -> senders = Integer.parseInt(args[++i]);
                    case "--rate" -> rate = Double.parseDouble(args[++i]);
                    case "--lease-seconds" -> leaseSeconds = Long.parseLong(args[++i]);
                    case "--rpo-seconds" -> rpoSeconds = Long.parseLong(args[++i]);
                    case "--rto-seconds" -> rtoSeconds = Long.parseLong(args[++i]);
                    case "--keep" -> keep = true;
                    default -> throw new IllegalArgumentException("unknown flag " + args[i]);
                }
            }
            if (!storage.equals("embedded") && !storage.equals("cassandra+rados"))
                throw new IllegalArgumentException("--storage is embedded or cassandra+rados");
            if (rate < 0) throw new IllegalArgumentException("--rate must be at least 0 (0: unpaced)");
        } catch (RuntimeException e) {
            System.err.println("drill: " + e.getMessage());
            System.exit(2);
            return;
        }
        int n = nodes != null ? nodes : storage.equals("embedded") ? 1 : 2;
        Path work = dir != null ? dir : Files.createTempDirectory("miroir-drill-");
        Path root = Path.of(System.getProperty("miroir.root", "."));
        TwoSites.Options o = new TwoSites.Options(storage, n, Duration.ofSeconds(leaseSeconds),
                Duration.ofSeconds(rpoSeconds), Duration.ofSeconds(rtoSeconds), Duration.ofSeconds(30), false, false);
        Report report;
        try (TwoSites pair = TwoSites.start(root, work, o, TwoSites.environment(System.getProperty("java.class.path")))) {
            report = new Drill(pair, Duration.ofSeconds(ingestSeconds), senders, rate, System.err).run();
        } finally {
            if (!keep && dir == null) deleteTree(work);
        }
        System.out.println(report.json().encodePrettily());
        System.exit(report.ok() ? 0 : 1);
    }

    public Report run() throws Exception {
        Site paris = sites.active, lyon = sites.mirror;
        TwoSites.Options o = sites.options;
        JsonObject r = new JsonObject().put("storage", o.storage()).put("nodesPerSite", o.nodes()).put("rate", rate)
                .put("rpoObjectiveSeconds", o.rpo().toSeconds()).put("rtoObjectiveSeconds", o.rto().toSeconds())
                .put("leaseSeconds", o.lease().toSeconds());
        List<String> missed = new ArrayList<>();

        log.printf("drill: %d senders into %s for %d s%s%n", senders, paris.id, ingest.toSeconds(),
                rate == 0 ? "" : ", at most " + rate + " instances/s");
        StoreTraffic traffic = new StoreTraffic(paris.balancerDicomPort(), senders, new Instances(System.nanoTime()),
                rate);
        Instant killed;
        Instant promoted;
        List<StoreTraffic.Ack> acks;
        double delayP99;
        try {
            Thread.sleep(ingest.toMillis());
            delayP99 = replicationDelayP99(paris);
            killed = Instant.now();
            paris.kill();
            log.printf("drill: every node of %s killed at %s; probing %s%n", paris.id, killed, lyon.id);
            promoted = probeUntilWritable(lyon, traffic, o.rto().multipliedBy(3));
        } finally {
            traffic.stop();
        }
        acks = traffic.acks();
        traffic.close();

        double rto = Duration.between(killed, promoted).toMillis() / 1000.0;
        r.put("rtoSeconds", rto).put("acknowledgedBeforeKill", acks.stream().filter(a -> a.at().isBefore(killed)).count())
                .put("replicationDelayP99Seconds", delayP99);
        if (delayP99 > o.rpo().toSeconds())
            missed.add("replication delay p99 " + delayP99 + " s over the RPO objective of " + o.rpo().toSeconds() + " s");
        if (rto > o.rto().toSeconds()) missed.add("RTO " + rto + " s over the objective of " + o.rto().toSeconds() + " s");

        // Loss: what paris acknowledged (before the kill) that lyon, now active, does not hold.
        Set<String> studies = new LinkedHashSet<>();
        for (StoreTraffic.Ack a : acks) studies.add(a.studyUid());
        Set<String> onLyon = lyon.instancesOf(studies);
        Instant safe = killed.minus(o.rpo());
        JsonArray lost = new JsonArray(), lostBeyondRpo = new JsonArray();
        for (StoreTraffic.Ack a : acks) {
            if (onLyon.contains(a.sopInstanceUid())) continue;
            lost.add(a.sopInstanceUid());
            if (a.at().isBefore(safe)) lostBeyondRpo.add(a.sopInstanceUid());
        }
        r.put("lostInstances", lost.size()).put("lostSopInstanceUids", lost)
                .put("lostAcknowledgedMoreThanOneRpoBeforeTheKill", lostBeyondRpo);
        if (!lostBeyondRpo.isEmpty())
            missed.add(lostBeyondRpo.size() + " instances acknowledged more than one RPO before the kill are lost");
        log.printf("drill: RTO %.1f s (objective %d s); %d acknowledged instances not on %s%n", rto, o.rto().toSeconds(),
                lost.size(), lyon.id);

        // The dead site comes back: fenced, its unreplicated tail reported, holding every lost instance.
        paris.startNodes();
        TwoSites.await(() -> paris.all(s -> "FENCED".equals(s.getString("role"))), Duration.ofSeconds(60),
                paris.id + " fenced after its restart");
        JsonObject tail = new JsonObject(paris.get(paris.httpPort(1), "/admin/dr/tail?limit=100000").body());
        Set<String> tailSops = new HashSet<>();
        for (Object e : tail.getJsonArray("entries")) tailSops.add(((JsonObject) e).getString("sop"));
        JsonArray lostNotInTail = new JsonArray();
        for (Object sop : lost) if (!tailSops.contains((String) sop)) lostNotInTail.add(sop);
        r.put("formerActiveRole", "FENCED").put("tailEntries", tail.getJsonArray("entries").size())
                .put("lostButNotReported", lostNotInTail);
        if (!lostNotInTail.isEmpty()) missed.add(lostNotInTail.size() + " lost instances missing from the reported tail");

        // Failback: paris becomes the verified mirror, then active again; replication runs the other way.
        JsonObject failback = new Failback(lyon.nodeUrl(1), paris.nodeUrl(1), Duration.ofMinutes(10), log).run(true);
        r.put("failback", failback);
        if (!failback.getBoolean("ok", false)) missed.add("failback: " + failback.getString("error"));
        else {
            Set<String> studyOfProbe = new HashSet<>();
            List<StoreTraffic.Ack> probe = new CopyOnWriteArrayList<>();
            boolean stored = StoreTraffic.storeAlone(paris.balancerDicomPort(), new Instances(System.nanoTime()).next(),
                    probe);
            if (!stored) missed.add(paris.id + " does not accept a C-STORE after failback");
            else {
                studyOfProbe.add(probe.get(0).studyUid());
                String sop = probe.get(0).sopInstanceUid();
                try {
                    TwoSites.await(() -> {
                        try {
                            return lyon.instancesOf(studyOfProbe).contains(sop);
                        } catch (IOException e) {
                            return false;
                        }
                    }, o.rpo().multipliedBy(3), "replication from " + paris.id + " to " + lyon.id);
                    r.put("replicationAfterFailback", true);
                } catch (IllegalStateException e) {
                    missed.add("an instance stored on " + paris.id + " after failback does not reach " + lyon.id);
                }
            }
        }
        for (Site s : List.of(paris, lyon))
            for (int i = 1; i <= s.nodes; i++)
                s.post(s.httpPort(i), "/admin/dr/drill", new JsonObject().put("rtoSeconds", rto)
                        .put("lostInstances", lost.size()).encode());
        r.put("missed", new JsonArray(missed)).put("ok", missed.isEmpty());
        log.println(missed.isEmpty() ? "drill: every objective met" : "drill: MISSED " + missed);
        return new Report(r);
    }

    /**
     * The 99th percentile of the replication delay (journal entry to the mirror's acknowledgement) over the site's
     * nodes so far, from their histograms: the upper bound of the bucket it falls in.
     */
    static double replicationDelayP99(Site site) throws IOException {
        java.util.TreeMap<Double, Double> buckets = new java.util.TreeMap<>();
        for (int i = 1; i <= site.nodes; i++) {
            for (String line : site.get(site.httpPort(i), "/metrics").body().split("\n")) {
                if (!line.startsWith("miroir_dr_replication_delay_seconds_bucket{")) continue;
                String le = line.substring(line.indexOf("le=\"") + 4, line.indexOf('"', line.indexOf("le=\"") + 4));
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                buckets.merge(bound, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
            }
        }
        double total = buckets.isEmpty() ? 0 : buckets.lastEntry().getValue();
        if (total == 0) return 0;
        for (var b : buckets.entrySet()) if (b.getValue() >= 0.99 * total) return b.getKey();
        return Double.POSITIVE_INFINITY;
    }

    /** C-STOREs to the mirror's balancer every 250 ms until one is acknowledged; when. */
    private static Instant probeUntilWritable(Site mirror, StoreTraffic traffic, Duration max) throws InterruptedException {
        Instances probes = new Instances(System.nanoTime() + 1);
        List<StoreTraffic.Ack> acks = new CopyOnWriteArrayList<>();
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (StoreTraffic.storeOnce(traffic.client(), mirror.balancerDicomPort(), probes.next(), acks))
                return acks.get(0).at();
            Thread.sleep(250);
        }
        throw new IllegalStateException(mirror.id + " did not accept a C-STORE within " + max.toSeconds() + " s");
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }
}
