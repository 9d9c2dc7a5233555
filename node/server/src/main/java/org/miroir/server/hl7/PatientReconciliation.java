package org.miroir.server.hl7;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.server.store.HeaderCodec;
import org.miroir.server.store.LevelAttributes;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.PatientKey;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.QueryLevel;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistChange;
import org.miroir.storage.worklist.WorklistItem;
import org.miroir.storage.worklist.WorklistKey;
import org.miroir.storage.worklist.WorklistQuery;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Brings the worklist in line with the patient registry (IHE Patient Information Reconciliation): after an ADT
 * update or merge, the patient's items still scheduled carry its current identity and demographics, so modalities
 * query and write what the registry says. Started items are left as they are (the modality has its copy already).
 * Items and patient attributes both come from HL7 and are ASCII or UTF-8, so values are copied as they are.
 */
final class PatientReconciliation {
    private static final int PAGE = 500;

    private final MetadataStore metadata;

    PatientReconciliation(MetadataStore metadata) {
        this.metadata = metadata;
    }

    /** Gives the scheduled items of {@code from} the identity and demographics of {@code to}; completes with how many. */
    CompletionStage<Integer> reassign(PatientKey from, PatientMapping.Patient to) {
        WorklistQuery q = new WorklistQuery.Builder()
                .match(WorklistKey.PATIENT_ID, from.patientId() == null ? Match.EMPTY : new Match.Single(from.patientId()))
                .match(WorklistKey.ISSUER_OF_PATIENT_ID, from.issuerOfPatientId() == null ? Match.EMPTY
                        : new Match.Single(from.issuerOfPatientId()))
                .match(WorklistKey.STATUS, new Match.Single(StepStatus.SCHEDULED.name())).limit(PAGE).build();
        return page(q, to, 0);
    }

    private CompletionStage<Integer> page(WorklistQuery q, PatientMapping.Patient to, int done) {
        return metadata.findWorklist(q).thenCompose(page -> {
            CompletionStage<Integer> all = CompletableFuture.completedFuture(done);
            for (WorklistItem item : page.items())
                all = all.thenCompose(n -> metadata.scheduleWorklistItem(withPatient(item, to), false)
                        .thenApply(c -> c.outcome() == WorklistChange.Outcome.REPLACED ? n + 1 : n));
            return page.hasMore() ? all.thenCompose(n -> page(q.nextPage(page.nextPageToken()), to, n)) : all;
        });
    }

    private static WorklistItem withPatient(WorklistItem item, PatientMapping.Patient to) {
        Attributes a = HeaderCodec.decode(item.attributes());
        for (int tag : a.tags())
            if (tag != Tag.SpecificCharacterSet && LevelAttributes.belongsTo(tag, QueryLevel.PATIENT)) a.remove(tag);
        a.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        a.addAll(to.attributes());
        a.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        Hl7Values.finish(a);
        var p = to.record();
        return new WorklistItem(item.itemId(), item.status(), p.patientId(), p.issuerOfPatientId(), p.patientName(),
                item.accessionNumber(), item.requestedProcedureId(), item.stepId(), item.stationAETitle(),
                item.modality(), item.startDate(), item.startTime(), item.studyInstanceUid(), null,
                HeaderCodec.encode(a));
    }
}
