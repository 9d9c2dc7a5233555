package org.miroir.storage.cassandra;

import org.miroir.storage.metadata.InstanceRecord;

/**
 * What the index holds for a SOP Instance UID: the committed instance (its {@code instance} row and its membership
 * row both present), or {@code null}. Claims say who may write; this says what was written.
 */
record Indexed(InstanceRecord record) {
    static final Indexed NONE = new Indexed(null);

    boolean present() {
        return record != null;
    }

    /** Whether {@code claim} describes this state: its owner's batch has committed (or its delete has). */
    boolean settles(Claim claim) {
        if (claim.stored()) return present() && record.objectKey().equals(claim.objectKey());
        return !present();
    }
}
