package org.miroir.dicom.net;

import org.miroir.dicom.net.pdu.PduFramer;

/**
 * Limits and timers of one association, the same for both roles. Every wait and every buffer is bounded:
 * <ul>
 *   <li>{@code maxPduLengthReceive}: announced to the peer; a larger P-DATA-TF PDU is aborted unread;</li>
 *   <li>{@code maxPduLengthSend}: our own cap on PDUs we send, also when the peer announces 0 (unlimited);</li>
 *   <li>{@code artimTimeoutMillis}: ARTIM (PS3.8 9.1.5): A-ASSOCIATE-RQ after connect, A-ASSOCIATE-AC/RJ after our
 *       request, transport close after A-ASSOCIATE-RJ / A-RELEASE-RP / A-ABORT;</li>
 *   <li>{@code releaseTimeoutMillis}: A-RELEASE-RP after our A-RELEASE-RQ, and our own pending work after the peer's;</li>
 *   <li>{@code idleTimeoutMillis}: abort when nothing is received or sent for this long while no local handler is
 *       working (0 disables);</li>
 *   <li>{@code maxOpsInvoked}/{@code maxOpsPerformed}: the asynchronous operations window we propose or accept
 *       (PS3.7 D.3.3.3; 1/1 is synchronous and sends no sub-item);</li>
 *   <li>{@code maxDatasetLengthInMemory}: the largest data set assembled in heap (everything but C-STORE, which
 *       streams).</li>
 * </ul>
 */
public final class AssociationOptions {
    private int maxPduLengthReceive = 65536;
    private int maxPduLengthSend = 65536;
    private int maxAssociatePduLength = PduFramer.DEFAULT_MAX_ASSOCIATE_LENGTH;
    private long artimTimeoutMillis = 10_000;
    private long releaseTimeoutMillis = 10_000;
    private long idleTimeoutMillis = 60_000;
    private int maxOpsInvoked = 1;
    private int maxOpsPerformed = 1;
    private int maxDatasetLengthInMemory = 16 << 20;

    public AssociationOptions() {}

    public AssociationOptions(AssociationOptions other) {
        maxPduLengthReceive = other.maxPduLengthReceive;
        maxPduLengthSend = other.maxPduLengthSend;
        maxAssociatePduLength = other.maxAssociatePduLength;
        artimTimeoutMillis = other.artimTimeoutMillis;
        releaseTimeoutMillis = other.releaseTimeoutMillis;
        idleTimeoutMillis = other.idleTimeoutMillis;
        maxOpsInvoked = other.maxOpsInvoked;
        maxOpsPerformed = other.maxOpsPerformed;
        maxDatasetLengthInMemory = other.maxDatasetLengthInMemory;
    }

    public int getMaxPduLengthReceive() { return maxPduLengthReceive; }

    /** At least 4096 (a command must fit comfortably), at most 16 MiB (we buffer one PDU). */
    public AssociationOptions setMaxPduLengthReceive(int v) {
        if (v < 4096 || v > (16 << 20)) throw new IllegalArgumentException("max PDU length receive " + v);
        maxPduLengthReceive = v;
        return this;
    }

    public int getMaxPduLengthSend() { return maxPduLengthSend; }

    public AssociationOptions setMaxPduLengthSend(int v) {
        if (v < 1024 || v > (16 << 20)) throw new IllegalArgumentException("max PDU length send " + v);
        maxPduLengthSend = v;
        return this;
    }

    public int getMaxAssociatePduLength() { return maxAssociatePduLength; }

    public AssociationOptions setMaxAssociatePduLength(int v) {
        if (v < 1024) throw new IllegalArgumentException("max A-ASSOCIATE PDU length " + v);
        maxAssociatePduLength = v;
        return this;
    }

    public long getArtimTimeoutMillis() { return artimTimeoutMillis; }

    public AssociationOptions setArtimTimeoutMillis(long v) {
        if (v <= 0) throw new IllegalArgumentException("ARTIM timeout must be positive");
        artimTimeoutMillis = v;
        return this;
    }

    public long getReleaseTimeoutMillis() { return releaseTimeoutMillis; }

    public AssociationOptions setReleaseTimeoutMillis(long v) {
        if (v <= 0) throw new IllegalArgumentException("release timeout must be positive");
        releaseTimeoutMillis = v;
        return this;
    }

    public long getIdleTimeoutMillis() { return idleTimeoutMillis; }

    public AssociationOptions setIdleTimeoutMillis(long v) {
        if (v < 0) throw new IllegalArgumentException("negative idle timeout");
        idleTimeoutMillis = v;
        return this;
    }

    public int getMaxOpsInvoked() { return maxOpsInvoked; }

    /** 0 = unlimited (only as proposed; the peer may cut it). */
    public AssociationOptions setMaxOpsInvoked(int v) {
        if (v < 0 || v > 0xFFFF) throw new IllegalArgumentException("max ops invoked " + v);
        maxOpsInvoked = v;
        return this;
    }

    public int getMaxOpsPerformed() { return maxOpsPerformed; }

    public AssociationOptions setMaxOpsPerformed(int v) {
        if (v < 1 || v > 0xFFFF) throw new IllegalArgumentException("max ops performed " + v);
        maxOpsPerformed = v;
        return this;
    }

    public int getMaxDatasetLengthInMemory() { return maxDatasetLengthInMemory; }

    public AssociationOptions setMaxDatasetLengthInMemory(int v) {
        if (v < 1024) throw new IllegalArgumentException("max data set length in memory " + v);
        maxDatasetLengthInMemory = v;
        return this;
    }
}
