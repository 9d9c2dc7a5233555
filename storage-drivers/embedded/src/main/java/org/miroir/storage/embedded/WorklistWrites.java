package org.miroir.storage.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.miroir.storage.query.DateTimes;
import org.miroir.storage.query.Matching;
import org.miroir.storage.query.ValueKind;
import org.miroir.storage.worklist.PerformedStep;
import org.miroir.storage.worklist.PerformedStepChange;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistChange;
import org.miroir.storage.worklist.WorklistItem;

/**
 * Worklist items and performed steps on the writer thread: each operation runs in its savepoint, so checking a
 * status and changing it, the items a performed step moves and their journal entries, are one atomic step.
 */
final class WorklistWrites {
    private static final String ITEM_COLUMNS = "status, patient_id, issuer, patient_name, patient_name_fold, "
            + "accession, requested_procedure_id, step_id, station_aet, modality, start_date, start_date_n, "
            + "start_time, start_time_n, study_uid, performed_step_uid, attrs";

    private final JournalWrites journal;
    private final PreparedStatement findItem, insertItem, replaceItem, setStatus;
    private final PreparedStatement findStep, insertStep, updateStep;

    WorklistWrites(Connection c, JournalWrites journal) throws SQLException {
        this.journal = journal;
        findItem = c.prepareStatement("SELECT w.pk AS row_pk, " + Rows.WORKLIST_ITEM
                + " FROM worklist_item w WHERE w.item_id = ?");
        insertItem = c.prepareStatement("INSERT INTO worklist_item (item_id, " + ITEM_COLUMNS + ") VALUES "
                + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        replaceItem = c.prepareStatement("UPDATE worklist_item SET (" + ITEM_COLUMNS + ") = "
                + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE pk = ?");
        setStatus = c.prepareStatement("UPDATE worklist_item SET status = ?, performed_step_uid = ? WHERE pk = ?");
        findStep = c.prepareStatement("SELECT sop_uid, status, item_ids, attrs FROM performed_step WHERE sop_uid = ?");
        insertStep = c.prepareStatement("INSERT INTO performed_step (sop_uid, status, item_ids, attrs) "
                + "VALUES (?, ?, ?, ?)");
        updateStep = c.prepareStatement("UPDATE performed_step SET status = ?, attrs = ? WHERE sop_uid = ?");
    }

    WorklistChange schedule(WorklistItem item, boolean create) throws SQLException {
        item.requireSchedulable();
        Stored stored = find(item.itemId()).orElse(null);
        if (stored == null) {
            if (!create) return new WorklistChange(WorklistChange.Outcome.NOT_FOUND, null, null);
            IndexWrites.bind(insertItem, prepend(item.itemId(), values(item)));
            insertItem.executeUpdate();
            return new WorklistChange(WorklistChange.Outcome.CREATED, item, journal.worklistItem(item.itemId()));
        }
        if (stored.item.status() != StepStatus.SCHEDULED)
            return new WorklistChange(WorklistChange.Outcome.CONFLICT, stored.item, null);
        IndexWrites.bind(replaceItem, append(values(item), stored.pk));
        replaceItem.executeUpdate();
        return new WorklistChange(WorklistChange.Outcome.REPLACED, item, journal.worklistItem(item.itemId()));
    }

    WorklistChange end(String itemId, StepStatus to) throws SQLException {
        if (to != StepStatus.CANCELED && to != StepStatus.DISCONTINUED)
            throw new IllegalArgumentException("an order ends an item as CANCELED or DISCONTINUED, not " + to);
        Stored stored = find(itemId).orElse(null);
        if (stored == null) return new WorklistChange(WorklistChange.Outcome.NOT_FOUND, null, null);
        if (stored.item.status() == to) return new WorklistChange(WorklistChange.Outcome.UNCHANGED, stored.item, null);
        if (!stored.item.status().mayBecome(to))
            return new WorklistChange(WorklistChange.Outcome.CONFLICT, stored.item, null);
        return new WorklistChange(WorklistChange.Outcome.CHANGED, move(stored, to, null), journal.worklistItem(itemId));
    }

    PerformedStepChange createStep(PerformedStep step) throws SQLException {
        if (step.status() != PerformedStep.Status.IN_PROGRESS)
            throw new IllegalArgumentException("a performed step starts IN PROGRESS, not " + step.status());
        Optional<PerformedStep> existing = findStep(step.sopInstanceUid());
        if (existing.isPresent()) return new PerformedStepChange(PerformedStepChange.Outcome.EXISTS, existing.get(), null);
        IndexWrites.bind(insertStep, step.sopInstanceUid(), step.status().name(),
                String.join(Rows.ID_SEPARATOR, step.worklistItemIds()), Rows.bytes(step.attributes()));
        insertStep.executeUpdate();
        moveItems(step, StepStatus.STARTED);
        return new PerformedStepChange(PerformedStepChange.Outcome.CREATED, step,
                journal.performedStep(step.sopInstanceUid()));
    }

    PerformedStepChange updateStep(PerformedStep step) throws SQLException {
        PerformedStep stored = findStep(step.sopInstanceUid()).orElse(null);
        if (stored == null) return new PerformedStepChange(PerformedStepChange.Outcome.NOT_FOUND, null, null);
        if (stored.status() != PerformedStep.Status.IN_PROGRESS)
            return new PerformedStepChange(PerformedStepChange.Outcome.NOT_IN_PROGRESS, stored, null);
        PerformedStep updated = new PerformedStep(stored.sopInstanceUid(), step.status(), stored.worklistItemIds(),
                step.attributes());
        IndexWrites.bind(updateStep, updated.status().name(), Rows.bytes(updated.attributes()),
                updated.sopInstanceUid());
        updateStep.executeUpdate();
        if (updated.status().itemStatus() != null) moveItems(updated, updated.status().itemStatus());
        return new PerformedStepChange(PerformedStepChange.Outcome.UPDATED, updated,
                journal.performedStep(updated.sopInstanceUid()));
    }

    /** Moves the step's items that may become {@code to}; the others (ended by their order, unknown) stay. */
    private void moveItems(PerformedStep step, StepStatus to) throws SQLException {
        for (String id : step.worklistItemIds()) {
            Stored stored = find(id).orElse(null);
            if (stored == null || !stored.item.status().mayBecome(to)) continue;
            move(stored, to, to == StepStatus.STARTED ? step.sopInstanceUid() : null);
            journal.worklistItem(id);
        }
    }

    private WorklistItem move(Stored stored, StepStatus to, String performedStep) throws SQLException {
        WorklistItem moved = stored.item.withStatus(to, performedStep);
        IndexWrites.bind(setStatus, to.name(), moved.performedStepUid(), stored.pk);
        setStatus.executeUpdate();
        return moved;
    }

    private record Stored(long pk, WorklistItem item) {}

    private Optional<Stored> find(String itemId) throws SQLException {
        findItem.setString(1, itemId);
        try (ResultSet rs = findItem.executeQuery()) {
            return rs.next() ? Optional.of(new Stored(rs.getLong("row_pk"), Rows.worklistItem(rs))) : Optional.empty();
        }
    }

    private Optional<PerformedStep> findStep(String sopInstanceUid) throws SQLException {
        findStep.setString(1, sopInstanceUid);
        try (ResultSet rs = findStep.executeQuery()) {
            return rs.next() ? Optional.of(Rows.performedStep(rs)) : Optional.empty();
        }
    }

    /** The values of {@link #ITEM_COLUMNS}, in order. */
    private static Object[] values(WorklistItem i) {
        return new Object[] {i.status().name(), i.patientId(), i.issuerOfPatientId(), i.patientName(),
                Matching.fold(i.patientName()), i.accessionNumber(), i.requestedProcedureId(), i.stepId(),
                i.stationAETitle(), i.modality(), i.startDate(), DateTimes.normalize(ValueKind.DATE, i.startDate()),
                i.startTime(), DateTimes.normalize(ValueKind.TIME, i.startTime()), i.studyInstanceUid(),
                i.performedStepUid(), Rows.bytes(i.attributes())};
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] out = new Object[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    private static Object[] append(Object[] rest, Object last) {
        Object[] out = java.util.Arrays.copyOf(rest, rest.length + 1);
        out[rest.length] = last;
        return out;
    }
}
