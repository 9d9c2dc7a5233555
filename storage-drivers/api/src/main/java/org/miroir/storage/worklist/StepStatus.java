package org.miroir.storage.worklist;

/**
 * Where a Scheduled Procedure Step stands. {@link #SCHEDULED} and {@link #STARTED} are on the worklist (the values
 * of Scheduled Procedure Step Status (0040,0020) it answers); the others have left it.
 */
public enum StepStatus {
    /** Ordered and waiting for the modality. */
    SCHEDULED,
    /** A Modality Performed Procedure Step is in progress for it. */
    STARTED,
    /** Its performed step was completed. */
    COMPLETED,
    /** Discontinued by the order (HL7 DC) or by its performed step. */
    DISCONTINUED,
    /** Cancelled by the order (HL7 CA) before it started. */
    CANCELED;

    public boolean active() {
        return this == SCHEDULED || this == STARTED;
    }

    /**
     * Whether a step in this status may move to {@code next}: a performed step starts a scheduled one, and completes
     * or discontinues an active one; an order cancels a scheduled one and discontinues an active one.
     */
    public boolean mayBecome(StepStatus next) {
        return switch (next) {
            case SCHEDULED -> false;
            case STARTED, CANCELED -> this == SCHEDULED;
            case COMPLETED, DISCONTINUED -> active();
        };
    }
}
