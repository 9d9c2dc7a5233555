package org.miroir.cluster.jobs;

import io.vertx.core.Future;

/**
 * Background work that one member of the cluster does for all: the orphan sweep, later replication and backup
 * verification. {@link ClusterJobs} starts it on the member that owns it and stops it when ownership moves.
 * During a network split both sides may own a job for a while: a job must be safe to run twice at once.
 */
public interface ClusterJob {
    /** A short, stable name: what the job-owner metric and the logs show. */
    String name();

    /** Called on a Vert.x context when this member becomes the owner. */
    void start();

    /** Called when this member stops owning the job (ownership moved, node draining); completes when it has stopped. */
    Future<Void> stop();
}
