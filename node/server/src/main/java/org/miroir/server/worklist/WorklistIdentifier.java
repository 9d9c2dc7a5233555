package org.miroir.server.worklist;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.ElementDictionary;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.TagUtils;
import org.miroir.dicom.data.VR;
import org.miroir.server.query.ResponseAssembler;
import org.miroir.server.store.HeaderCodec;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Matching;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistItem;
import org.miroir.storage.worklist.WorklistKey;
import org.miroir.storage.worklist.WorklistQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Modality Worklist C-FIND identifier (PS3.4 K.6.1): the keys the store matches ({@link WorklistKey}: Patient ID
 * and Issuer, Patient's Name, Accession Number, Requested Procedure ID, Study Instance UID, and inside the Scheduled
 * Procedure Step Sequence the Scheduled Station AE Title, SPS Start Date and Time, Modality, SPS ID and SPS Status),
 * the other keys given with a value (not matched: the responses say so with 0xFF01), and the response for an item:
 * every requested key, from the item as the order made it, with the step's current status.
 *
 * <p>Only steps still on the worklist are answered: SCHEDULED, and STARTED (a performed step is in progress).
 */
final class WorklistIdentifier {
    private static final Map<Integer, WorklistKey> TOP = Map.of(Tag.PatientID, WorklistKey.PATIENT_ID,
            Tag.IssuerOfPatientID, WorklistKey.ISSUER_OF_PATIENT_ID, Tag.PatientName, WorklistKey.PATIENT_NAME,
            Tag.AccessionNumber, WorklistKey.ACCESSION_NUMBER, Tag.RequestedProcedureID,
            WorklistKey.REQUESTED_PROCEDURE_ID, Tag.StudyInstanceUID, WorklistKey.STUDY_INSTANCE_UID);
    private static final Map<Integer, WorklistKey> STEP = Map.of(Tag.ScheduledStationAETitle,
            WorklistKey.STATION_AE_TITLE, Tag.ScheduledProcedureStepStartDate, WorklistKey.START_DATE,
            Tag.ScheduledProcedureStepStartTime, WorklistKey.START_TIME, Tag.Modality, WorklistKey.MODALITY,
            Tag.ScheduledProcedureStepID, WorklistKey.STEP_ID);
    private static final List<StepStatus> ON_WORKLIST = List.of(StepStatus.SCHEDULED, StepStatus.STARTED);

    private final Attributes keys;
    final WorklistQuery query;
    final List<Integer> unsupported;
    /** The identifier's status admits no step on the worklist: nothing can match. */
    final boolean none;

    private WorklistIdentifier(Attributes keys, WorklistQuery query, List<Integer> unsupported, boolean none) {
        this.keys = keys;
        this.query = query;
        this.unsupported = unsupported;
        this.none = none;
    }

    /** Throws {@link IllegalArgumentException} naming the key whose value cannot be matched. */
    static WorklistIdentifier parse(Attributes keys, boolean caseInsensitiveNames, int pageSize) {
        WorklistQuery.Builder b = new WorklistQuery.Builder().caseInsensitiveNames(caseInsensitiveNames)
                .limit(pageSize);
        List<Integer> unsupported = new ArrayList<>();
        List<StepStatus> statuses = ON_WORKLIST;
        for (int i = 0; i < keys.size(); i++) {
            int tag = keys.tagAt(i);
            if (tag == Tag.SpecificCharacterSet || TagUtils.isGroupLength(tag)) continue;
            if (tag == Tag.ScheduledProcedureStepSequence) {
                Sequence s = keys.getSequence(tag);
                Attributes item = s == null || s.isEmpty() ? null : s.get(0);
                if (item == null) continue;
                for (int k = 0; k < item.size(); k++) {
                    int t = item.tagAt(k);
                    String value = value(item, t);
                    if (value == null) continue;
                    if (t == Tag.ScheduledProcedureStepStatus) {
                        Match m = Match.parse(WorklistKey.STATUS.kind(), name(t), value);
                        statuses = ON_WORKLIST.stream().filter(st -> Matching.matches(WorklistKey.STATUS.kind(), m,
                                st.name(), false)).toList();
                    } else if (STEP.containsKey(t)) {
                        match(b, STEP.get(t), t, value);
                    } else {
                        unsupported.add(t);
                    }
                }
                continue;
            }
            String value = value(keys, tag);
            if (value == null) continue;
            if (TOP.containsKey(tag)) match(b, TOP.get(tag), tag, value);
            else unsupported.add(tag);
        }
        b.match(WorklistKey.STATUS, statuses.size() == 1 ? new Match.Single(statuses.get(0).name())
                : new Match.AnyOf(ON_WORKLIST.stream().map(Enum::name).toList()));
        return new WorklistIdentifier(keys, b.build(), List.copyOf(unsupported), statuses.isEmpty());
    }

    private static void match(WorklistQuery.Builder b, WorklistKey key, int tag, String value) {
        b.match(key, Match.parse(key.kind(), name(tag), value));
    }

    /** A key's value, or {@code null} when it is only asked for (absent, empty, or a sequence). */
    private static String value(Attributes a, int tag) {
        if (a.getValue(tag) instanceof Sequence) return null;
        String[] v = a.getStrings(tag);
        if (v == null || v.length == 0) return null;
        String joined = String.join("\\", v);
        return joined.isBlank() ? null : joined;
    }

    private static String name(int tag) {
        String keyword = ElementDictionary.keywordOf(tag);
        return keyword == null ? TagUtils.toString(tag) : keyword;
    }

    /** The response for {@code item}: every key of the identifier, valued from the item (empty when it has none). */
    Attributes response(WorklistItem item) {
        Attributes source = HeaderCodec.decode(item.attributes());
        Sequence steps = source.getSequence(Tag.ScheduledProcedureStepSequence);
        if (steps != null) for (Attributes step : steps)
            step.setString(Tag.ScheduledProcedureStepStatus, VR.CS, item.status().name());
        ResponseAssembler out = new ResponseAssembler();
        for (int i = 0; i < keys.size(); i++) {
            int tag = keys.tagAt(i);
            if (tag == Tag.SpecificCharacterSet || TagUtils.isGroupLength(tag)) continue;
            if (source.contains(tag)) {
                Object v = keys.getValue(tag);
                out.copy(source, tag, v instanceof Sequence s && !s.isEmpty() ? s.get(0) : null);
            } else {
                out.empty(tag, keys.vrAt(i) == VR.UN ? ElementDictionary.vrOf(tag) : keys.vrAt(i));
            }
        }
        return out.build();
    }
}
