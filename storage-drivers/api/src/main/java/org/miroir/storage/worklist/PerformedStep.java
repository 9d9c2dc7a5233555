package org.miroir.storage.worklist;

import java.util.List;
import org.miroir.storage.metadata.EncodedAttributes;
import org.miroir.storage.metadata.Text;

/**
 * A Modality Performed Procedure Step (PS3.3 C.4.13-C.4.17): what a modality reports having done, and the worklist
 * items it performs (none for an unscheduled step).
 *
 * @param sopInstanceUid  the MPPS SOP Instance UID
 * @param worklistItemIds the {@link WorklistItem#itemId()}s it performs; fixed when it is created
 * @param attributes      the step's data set as the node encodes it; opaque to drivers
 */
public record PerformedStep(String sopInstanceUid, Status status, List<String> worklistItemIds,
        EncodedAttributes attributes) {
    /** Performed Procedure Step Status (0040,0252). */
    public enum Status {
        IN_PROGRESS("IN PROGRESS"),
        COMPLETED("COMPLETED"),
        DISCONTINUED("DISCONTINUED");

        private final String dicom;

        Status(String dicom) {
            this.dicom = dicom;
        }

        /** The DICOM defined term. */
        public String dicom() {
            return dicom;
        }

        /** The status a DICOM value names, or {@code null}. */
        public static Status ofDicom(String value) {
            for (Status s : values()) if (s.dicom.equals(value)) return s;
            return null;
        }

        /** The status its worklist items end in once the step is final; {@code null} while in progress. */
        public StepStatus itemStatus() {
            return switch (this) {
                case IN_PROGRESS -> null;
                case COMPLETED -> StepStatus.COMPLETED;
                case DISCONTINUED -> StepStatus.DISCONTINUED;
            };
        }
    }

    public PerformedStep {
        Text.require(sopInstanceUid, "performed step SOP Instance UID");
        if (status == null) throw new IllegalArgumentException("status is required");
        worklistItemIds = worklistItemIds == null ? List.of() : List.copyOf(worklistItemIds);
    }
}
