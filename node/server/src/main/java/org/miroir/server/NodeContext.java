package org.miroir.server;

import io.vertx.core.Vertx;
import org.miroir.server.config.NodeConfig;
import org.miroir.server.metrics.NodeMetrics;
import org.miroir.server.storage.Storage;
import org.miroir.server.store.Ingest;
import org.miroir.server.store.OrphanSweeper;

/** What every service of a node shares: handed to the DIMSE services and the HTTP routes when the node starts. */
public record NodeContext(Vertx vertx, NodeConfig config, Storage storage, Ingest ingest, NodeMetrics metrics,
        OrphanSweeper sweeper) {}
