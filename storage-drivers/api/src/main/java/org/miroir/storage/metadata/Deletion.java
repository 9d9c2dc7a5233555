package org.miroir.storage.metadata;

import java.util.List;

/**
 * What a delete removed from the index. The caller deletes the objects afterwards (an object left behind by a crash
 * between the two is an orphan the sweeper removes).
 *
 * @param removed         the removed instances (without attributes); empty when nothing matched
 * @param journalPosition position of the journal entry, or {@code null} when nothing was removed
 */
public record Deletion(List<InstanceRecord> removed, String journalPosition) {
    public Deletion {
        removed = List.copyOf(removed);
        if (removed.isEmpty() != (journalPosition == null))
            throw new IllegalArgumentException("a journal position goes with removed instances, and only with them");
    }

    public static Deletion none() {
        return new Deletion(List.of(), null);
    }

    public List<String> objectKeys() {
        return removed.stream().map(InstanceRecord::objectKey).toList();
    }
}
