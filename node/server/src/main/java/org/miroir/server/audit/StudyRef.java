package org.miroir.server.audit;

import java.util.List;
import java.util.Map;

/**
 * A study an audited event touched: its patient when known (null otherwise) and the instances, by SOP Class UID
 * (empty when the event concerned the study as a whole).
 */
public record StudyRef(String studyInstanceUid, String patientId, String patientName, String accessionNumber,
        Map<String, List<String>> sopClasses) {
    public StudyRef {
        sopClasses = Map.copyOf(sopClasses);
    }
}
