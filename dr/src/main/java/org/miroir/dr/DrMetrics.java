package org.miroir.dr;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;

/** Disaster recovery's metrics, in the node's registry. Labels are small fixed sets: no UIDs, no site data. */
public final class DrMetrics {
    public final Gauge role = Gauge.build("miroir_dr_site_role",
            "1 for this node's current site role (ACTIVE, PASSIVE, FENCED), 0 for the others.").labelNames("role").create();
    public final Gauge epoch = Gauge.build("miroir_dr_epoch", "The highest fencing epoch this node has seen.").create();
    public final Gauge leaseRemaining = Gauge.build("miroir_dr_lease_remaining_seconds",
            "How long this node's copy of the site lease still runs (0: it does not hold it).").create();
    public final Gauge witnessReachable = Gauge.build("miroir_dr_witness_reachable",
            "1 when the last call to the witness was answered.").create();
    public final Gauge rpoObjective = Gauge.build("miroir_dr_rpo_objective_seconds", "The configured RPO.").create();
    public final Gauge rtoObjective = Gauge.build("miroir_dr_rto_objective_seconds", "The configured RTO.").create();
    public final Gauge rpo = Gauge.build("miroir_dr_rpo_seconds",
            "Measured RPO: age of the oldest journal entry the mirror has not acknowledged (0: none pending).").create();
    public final Gauge lagEntries = Gauge.build("miroir_dr_replication_lag_entries",
            "Journal entries waiting for the mirror's acknowledgement, on the node that ships them (counted up to one "
                    + "read batch per partition; 0 when none wait).").create();
    public final Histogram delay = Histogram.build("miroir_dr_replication_delay_seconds",
            "From a change's journal entry to the mirror's acknowledgement.")
            .buckets(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300).create();
    public final Counter shippedBytes = Counter.build("miroir_dr_shipped_bytes_total",
            "Bytes of objects shipped to the mirror (repairs included).").create();
    public final Counter shippedEntries = Counter.build("miroir_dr_shipped_entries_total",
            "Journal entries the mirror acknowledged, by operation.").labelNames("op").create();
    public final Counter shipErrors = Counter.build("miroir_dr_ship_errors_total",
            "Failed shipments (retried), by reason: unreachable, refused, invalid, failed, source_missing.")
            .labelNames("reason").create();
    public final Counter received = Counter.build("miroir_dr_received_total",
            "Shipments this node received as the mirror, by outcome: stored, already, applied, refused, invalid, "
                    + "failed.").labelNames("outcome").create();
    public final Counter checked = Counter.build("miroir_dr_verification_checked_total",
            "Instances checked on the mirror, by result: ok, missing, corrupt, metadata.").labelNames("result").create();
    public final Counter repairs = Counter.build("miroir_dr_verification_repairs_total",
            "Instances re-shipped because the mirror's copy was missing or wrong.").create();
    public final Gauge cycleMismatches = Gauge.build("miroir_dr_verification_mismatches",
            "Mismatches found so far in the current verification cycle, or in the last one if none runs.").create();
    public final Gauge coverage = Gauge.build("miroir_dr_verification_coverage_ratio",
            "Share of the index found whole on the mirror by the last complete verification cycle.").create();
    public final Gauge oldestUnverified = Gauge.build("miroir_dr_verification_oldest_unverified_seconds",
            "Age of the oldest journal entry not yet verified on the mirror (0: none).").create();
    public final Counter cycles = Counter.build("miroir_dr_verification_cycles_total",
            "Complete verification passes over the whole index.").create();
    public final Gauge lastCycleEnd = Gauge.build("miroir_dr_verification_last_cycle_end_timestamp_seconds",
            "When the last complete verification pass ended (Unix time).").create();
    public final Gauge tail = Gauge.build("miroir_dr_unreplicated_tail_entries",
            "Journal entries this site wrote that the mirror never acknowledged, while it is fenced after a failover.")
            .create();
    public final Gauge drillRto = Gauge.build("miroir_dr_last_drill_rto_seconds",
            "RTO measured by the last DR drill.").create();
    public final Gauge drillLost = Gauge.build("miroir_dr_last_drill_lost_instances",
            "Acknowledged instances the last DR drill found missing on the new active site.").create();

    public DrMetrics(CollectorRegistry registry) {
        for (var c : new io.prometheus.client.Collector[] {role, epoch, leaseRemaining, witnessReachable, rpoObjective,
                rtoObjective, rpo, lagEntries, delay, shippedBytes, shippedEntries, shipErrors, received, checked,
                repairs, cycleMismatches, coverage, oldestUnverified, cycles, lastCycleEnd, tail, drillRto, drillLost})
            registry.register(c);
    }
}
