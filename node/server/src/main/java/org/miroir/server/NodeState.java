package org.miroir.server;

/** Whether the node takes new work: it stops when it drains, before it stops listening. */
public final class NodeState {
    private volatile boolean draining;

    public boolean draining() { return draining; }

    void startDraining() { draining = true; }
}
