package org.miroir.dicom.net.pdu;

/** A received PDU that breaks PS3.8; the upper layer answers it with an A-ABORT carrying {@link #abortReason()}. */
public final class PduException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int abortReason;

    public PduException(int abortReason, String message) {
        super(message);
        this.abortReason = abortReason;
    }

    /** One of the {@link AAbort} provider reasons. */
    public int abortReason() { return abortReason; }
}
