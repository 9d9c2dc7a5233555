package org.miroir.server;

import io.vertx.core.Vertx;
import org.miroir.cluster.Cluster;
import org.miroir.cluster.jobs.ClusterJobs;
import org.miroir.cluster.config.AeRegistry;
import org.miroir.dr.DisasterRecovery;
import org.miroir.server.audit.Audit;
import org.miroir.server.config.LiveSettings;
import org.miroir.server.config.NodeConfig;
import org.miroir.server.metrics.NodeMetrics;
import org.miroir.server.storage.Storage;
import org.miroir.server.store.Ingest;
import org.miroir.server.store.OrphanSweeper;

/**
 * What every service of a node shares: handed to the DIMSE services and the HTTP routes when the node starts.
 * {@code config} is the node's file and flags; {@code settings} and {@code aeRegistry} are the cluster-wide values
 * that may change while it runs; {@code dr} whether this site accepts writes (a mirrored pair) and its replication;
 * {@code state} whether the node still takes traffic; {@code audit} where audited events go.
 */
public record NodeContext(Vertx vertx, NodeConfig config, Storage storage, Ingest ingest, NodeMetrics metrics,
        OrphanSweeper sweeper, Cluster cluster, ClusterJobs jobs, AeRegistry aeRegistry, LiveSettings settings,
        DisasterRecovery dr, NodeState state, Audit audit) {}
