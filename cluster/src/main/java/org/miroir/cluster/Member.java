package org.miroir.cluster;

/**
 * A live member of the cluster.
 *
 * @param id      stable for the member's lifetime, unique across restarts (Hazelcast's member UUID)
 * @param address where its Hazelcast listens ({@code host:port}), what operators recognise
 */
public record Member(String id, String address) {}
