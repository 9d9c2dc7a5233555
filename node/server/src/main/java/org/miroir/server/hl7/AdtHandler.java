package org.miroir.server.hl7;

import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v25.group.ADT_A39_PATIENT;
import ca.uhn.hl7v2.model.v25.message.ADT_A01;
import ca.uhn.hl7v2.model.v25.message.ADT_A39;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.PatientKey;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * ADT (IHE RAD-1 Patient Registration, RAD-12 Patient Update): A01 (admit), A04 (register) and A08 (update) set the
 * patient's demographics in the registry ({@link MetadataStore#updatePatient}); A40 merges the patient of MRG-1 into
 * the one of PID ({@link MetadataStore#mergePatients}), every patient group of the message. Then the patient's
 * scheduled worklist items follow ({@link PatientReconciliation}). The other ADT events of HL7 (A02-A62) are
 * acknowledged and ignored; any other event is rejected (AR 201).
 */
final class AdtHandler {
    private static final Pattern ADT_EVENTS = Pattern.compile("A(0[1-9]|[1-5][0-9]|6[0-2])");

    private final MetadataStore metadata;
    private final PatientReconciliation reconciliation;

    AdtHandler(MetadataStore metadata) {
        this.metadata = metadata;
        this.reconciliation = new PatientReconciliation(metadata);
    }

    /** Whether an ADT event is accepted (applied or ignored); the others are rejected before parsing. */
    static boolean knows(String event) {
        return ADT_EVENTS.matcher(event).matches();
    }

    /** Applies the message; completes with what it did (no patient data: it is logged). */
    CompletionStage<String> handle(Message m, String event) throws HL7Exception {
        return switch (event) {
            case "A01", "A04", "A08" -> update(((ADT_A01) m));
            case "A40" -> merge((ADT_A39) m);
            default -> CompletableFuture.completedFuture("event " + event + " ignored");
        };
    }

    private CompletionStage<String> update(ADT_A01 m) throws HL7Exception {
        PatientMapping.Patient p = PatientMapping.of(m.getPID());
        return metadata.updatePatient(p.record())
                .thenCompose(position -> reconciliation.reassign(p.key(), p))
                .thenApply(n -> "patient updated, " + n + " scheduled worklist item(s) with it");
    }

    private record Merge(PatientKey prior, PatientMapping.Patient surviving) {}

    private CompletionStage<String> merge(ADT_A39 m) throws HL7Exception {
        List<Merge> merges = new ArrayList<>();
        for (ADT_A39_PATIENT group : m.getPATIENTAll()) {
            PatientMapping.Patient surviving = PatientMapping.of(group.getPID());
            PatientKey prior = PatientMapping.prior(group.getMRG().getMrg1_PriorPatientIdentifierList());
            if (prior.equals(surviving.key()))
                throw Hl7Rejection.error(ErrorCode.DATA_TYPE_ERROR, "MRG-1 names the surviving patient of PID-3");
            merges.add(new Merge(prior, surviving));
        }
        CompletionStage<Integer> done = CompletableFuture.completedFuture(0);
        for (Merge merge : merges)
            done = done.thenCompose(n -> metadata.mergePatients(merge.prior(), merge.surviving().record())
                    .thenCompose(position -> reconciliation.reassign(merge.prior(), merge.surviving()))
                    .thenCompose(moved -> reconciliation.reassign(merge.surviving().key(), merge.surviving())
                            .thenApply(updated -> n + moved + updated)));
        return done.thenApply(n -> merges.size() + " patient(s) merged, " + n + " scheduled worklist item(s) with them");
    }
}
