package org.miroir.server.dimse;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.storage.query.QueryLevel;

import java.util.List;

/**
 * The Patient Root and Study Root Query/Retrieve information models (PS3.4 C.6.1, C.6.2): which levels each has,
 * how (0008,0052) names them, and the hierarchical rules of PS3.4 C.4.1.2.2 / C.4.2.2.1: every level above the
 * query level is given by a single value of its unique key; a retrieve names one or more unique keys at its level.
 */
enum QueryRetrieveModel {
    PATIENT_ROOT(QueryLevel.PATIENT),
    STUDY_ROOT(QueryLevel.STUDY);

    static final List<String> FIND = List.of(UID.PatientRootQueryRetrieveInformationModelFind,
            UID.StudyRootQueryRetrieveInformationModelFind);
    static final List<String> MOVE = List.of(UID.PatientRootQueryRetrieveInformationModelMove,
            UID.StudyRootQueryRetrieveInformationModelMove);
    static final List<String> GET = List.of(UID.PatientRootQueryRetrieveInformationModelGet,
            UID.StudyRootQueryRetrieveInformationModelGet);

    private final QueryLevel top;

    QueryRetrieveModel(QueryLevel top) {
        this.top = top;
    }

    /** The identifier is not usable for this SOP class: the status (0xA900 or 0xC000) and why. */
    static final class IdentifierException extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Status status;

        IdentifierException(Status status, String comment) {
            super(comment);
            this.status = status.withComment(comment);
        }
    }

    static QueryRetrieveModel of(String sopClassUid) {
        if (sopClassUid.equals(UID.PatientRootQueryRetrieveInformationModelFind)
                || sopClassUid.equals(UID.PatientRootQueryRetrieveInformationModelMove)
                || sopClassUid.equals(UID.PatientRootQueryRetrieveInformationModelGet)) return PATIENT_ROOT;
        return STUDY_ROOT;
    }

    /** The level (0008,0052) names, checked against this model. */
    QueryLevel level(Attributes keys) throws IdentifierException {
        String value = keys.getString(Tag.QueryRetrieveLevel);
        if (value == null || value.isBlank())
            throw new IdentifierException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, "Query/Retrieve Level (0008,0052) missing");
        QueryLevel level = switch (value.strip()) {
            case "PATIENT" -> QueryLevel.PATIENT;
            case "STUDY" -> QueryLevel.STUDY;
            case "SERIES" -> QueryLevel.SERIES;
            case "IMAGE" -> QueryLevel.INSTANCE;
            default -> null;
        };
        if (level == null)
            throw new IdentifierException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                    "invalid Query/Retrieve Level (0008,0052) '" + value + "': PATIENT, STUDY, SERIES or IMAGE");
        if (level.ordinal() < top.ordinal())
            throw new IdentifierException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                    "the Study Root model has no " + value + " level");
        return level;
    }

    /** The unique keys of the levels from this model's top down to, but excluding, {@code level}. */
    int[] keysAbove(QueryLevel level) {
        int[] all = {Tag.PatientID, Tag.StudyInstanceUID, Tag.SeriesInstanceUID};
        int from = top.ordinal();
        int to = level.ordinal();
        int[] out = new int[Math.max(0, to - from)];
        System.arraycopy(all, from, out, 0, out.length);
        return out;
    }

    /** PS3.4 C.4.1.2.2.1: a single value (no list, no wildcard) for the unique key of each level above. */
    void requireKeysAbove(Attributes keys, QueryLevel level) throws IdentifierException {
        for (int tag : keysAbove(level)) single(keys, tag);
    }

    /** A single-valued unique key, or an {@link IdentifierException} naming it. */
    static String single(Attributes keys, int tag) throws IdentifierException {
        String[] v = keys.getStrings(tag);
        String name = org.miroir.dicom.data.ElementDictionary.keywordOf(tag);
        if (v == null || v.length == 0 || v[0].isBlank())
            throw new IdentifierException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                    "unique key " + name + " of a level above the query level is missing (hierarchical query)");
        if (v.length > 1 || v[0].indexOf('*') >= 0 || v[0].indexOf('?') >= 0)
            throw new IdentifierException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                    "unique key " + name + " of a level above the query level needs a single value, not '"
                            + String.join("\\", v) + "'");
        return v[0];
    }

    /** The unique key values at {@code level} for a retrieve: one or more, no wildcards. */
    static List<String> uniqueValues(Attributes keys, int tag) throws IdentifierException {
        String[] v = keys.getStrings(tag);
        String name = org.miroir.dicom.data.ElementDictionary.keywordOf(tag);
        if (v == null || v.length == 0 || String.join("", v).isBlank())
            throw new IdentifierException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                    "retrieve needs " + name + " at its level");
        List<String> values = java.util.Arrays.stream(v).map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String s : values)
            if (s.indexOf('*') >= 0 || s.indexOf('?') >= 0)
                throw new IdentifierException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                        "retrieve keys cannot hold wildcards: " + name + "=" + s);
        return values;
    }

    /** The (0008,0052) value for a level. */
    static String levelName(QueryLevel level) {
        return level == QueryLevel.INSTANCE ? "IMAGE" : level.name();
    }
}
