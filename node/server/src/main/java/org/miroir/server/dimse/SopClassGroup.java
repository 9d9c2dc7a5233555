package org.miroir.server.dimse;

import org.miroir.dicom.data.UID;

import java.util.Locale;

/**
 * The SOP class of a DIMSE operation as a small fixed set, fit for a metric label (the class UIDs themselves number
 * in the hundreds): {@code verification}, {@code image}, {@code structured_report}, {@code presentation_state},
 * {@code waveform}, {@code document}, {@code other_storage}, {@code query_retrieve}, {@code worklist}, {@code mpps},
 * {@code other}.
 */
final class SopClassGroup {
    private SopClassGroup() {}

    static String of(String sopClassUid) {
        if (sopClassUid == null) return "other";
        if (sopClassUid.equals(UID.Verification)) return "verification";
        if (UID.isStorageSopClass(sopClassUid)) return storage(UID.nameOf(sopClassUid));
        if (QueryRetrieveModel.FIND.contains(sopClassUid) || QueryRetrieveModel.MOVE.contains(sopClassUid)
                || QueryRetrieveModel.GET.contains(sopClassUid)) return "query_retrieve";
        if (sopClassUid.equals(UID.ModalityWorklistInformationModelFind)) return "worklist";
        if (sopClassUid.equals(UID.ModalityPerformedProcedureStep)) return "mpps";
        return "other";
    }

    /** A storage class by its keyword (CTImageStorage, ComprehensiveSRStorage, ...). */
    private static String storage(String keyword) {
        String k = keyword == null ? "" : keyword.toLowerCase(Locale.ROOT);
        if (k.contains("image")) return "image";
        if (k.contains("srstorage") || k.contains("keyobjectselection")) return "structured_report";
        if (k.contains("presentationstate")) return "presentation_state";
        if (k.contains("waveform")) return "waveform";
        if (k.contains("encapsulated")) return "document";
        return "other_storage";
    }
}
