package org.miroir.storage.worklist;

/**
 * What a performed-step write did.
 *
 * @param current         the step as stored afterwards ({@code null} when there is none)
 * @param journalPosition the {@link org.miroir.storage.metadata.JournalOp#PERFORMED_STEP_UPDATE} entry written with
 *                        the change (the items it moved have entries of their own), {@code null} when nothing changed
 */
public record PerformedStepChange(Outcome outcome, PerformedStep current, String journalPosition) {
    public enum Outcome {
        CREATED,
        UPDATED,
        /** A step with that SOP Instance UID exists already: nothing written. */
        EXISTS,
        /** No step has that SOP Instance UID: nothing written. */
        NOT_FOUND,
        /** The step is completed or discontinued and may no longer change: nothing written. */
        NOT_IN_PROGRESS
    }

    public PerformedStepChange {
        if (outcome == null) throw new IllegalArgumentException("outcome is required");
        boolean written = outcome == Outcome.CREATED || outcome == Outcome.UPDATED;
        if (written != (journalPosition != null))
            throw new IllegalArgumentException(outcome + " with journal position " + journalPosition);
    }
}
