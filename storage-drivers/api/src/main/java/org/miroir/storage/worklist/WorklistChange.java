package org.miroir.storage.worklist;

/**
 * What a worklist write did.
 *
 * @param current         the item as stored afterwards ({@code null} when there is none)
 * @param journalPosition the {@link org.miroir.storage.metadata.JournalOp#WORKLIST_UPDATE} entry written with the
 *                        change, {@code null} when nothing changed
 */
public record WorklistChange(Outcome outcome, WorklistItem current, String journalPosition) {
    public enum Outcome {
        /** A new item was written. */
        CREATED,
        /** A scheduled item was replaced. */
        REPLACED,
        /** The item moved to the requested status. */
        CHANGED,
        /** The item already had the requested status: nothing written. */
        UNCHANGED,
        /** No item has that id: nothing written. */
        NOT_FOUND,
        /** The item's status does not allow the change ({@code current} says which it has): nothing written. */
        CONFLICT
    }

    public WorklistChange {
        if (outcome == null) throw new IllegalArgumentException("outcome is required");
        boolean written = outcome == Outcome.CREATED || outcome == Outcome.REPLACED || outcome == Outcome.CHANGED;
        if (written != (journalPosition != null))
            throw new IllegalArgumentException(outcome + " with journal position " + journalPosition);
    }
}
