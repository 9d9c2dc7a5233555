package org.miroir.storage.query;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.MetadataRecord;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StudyRecord;

/**
 * The reference semantics of the query model, evaluated in memory. Drivers that cannot push a match into their
 * store (e.g. Cassandra beyond its partition and SAI keys) filter with it; drivers that translate matches (SQL) must
 * agree with it, which the testkit checks.
 */
public final class Matching {
    private static final Object NOT_ANSWERED = new Object();

    private Matching() {}

    /** Case folding for case-insensitive PN matching; drivers fold indexed names with the same function. */
    public static String fold(String s) {
        return s == null ? null : s.toUpperCase(Locale.ROOT);
    }

    /** An IS value as an integer, or {@code null} when it is not one. */
    public static Long parseInteger(String s) {
        if (s == null) return null;
        String v = s.strip();
        if (v.startsWith("+")) v = v.substring(1);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether a single stored value ({@code null} when absent) satisfies {@code m} for {@code key}. */
    public static boolean matches(QueryKey key, Match m, String stored, boolean caseInsensitiveNames) {
        return matches(key.kind(), m, stored, caseInsensitiveNames);
    }

    /** Whether a single stored value of {@code kind} ({@code null} when absent) satisfies {@code m}. */
    public static boolean matches(ValueKind kind, Match m, String stored, boolean caseInsensitiveNames) {
        if (m instanceof Match.Universal) return true;
        if (stored == null || stored.isEmpty()) return m instanceof Match.Empty;
        if (m instanceof Match.Empty) return false;
        boolean fold = caseInsensitiveNames && kind == ValueKind.PERSON_NAME;
        String value = fold ? fold(stored) : stored;
        if (m instanceof Match.Single s) return single(kind, fold ? fold(s.value()) : s.value(), value);
        if (m instanceof Match.AnyOf a) {
            for (String v : a.values()) if (single(kind, fold ? fold(v) : v, value)) return true;
            return false;
        }
        if (m instanceof Match.Wildcard w) return wildcard(fold ? fold(w.pattern()) : w.pattern(), value);
        Match.Range r = (Match.Range) m;
        String n = DateTimes.normalize(kind, value);
        if (n == null) return false;
        return (r.lower() == null || n.compareTo(DateTimes.lowerBound(kind, r.lower())) >= 0)
                && (r.upper() == null || n.compareTo(DateTimes.upperBound(kind, r.upper())) <= 0);
    }

    /** For multi-valued keys (Modalities in Study): any stored value matching is enough. */
    public static boolean matchesAny(QueryKey key, Match m, Collection<String> stored, boolean caseInsensitiveNames) {
        if (m instanceof Match.Universal) return true;
        if (stored.isEmpty()) return m instanceof Match.Empty;
        for (String v : stored) if (matches(key, m, v, caseInsensitiveNames)) return true;
        return false;
    }

    /**
     * Whether {@code record} satisfies every match of {@code query} it can answer: a study record answers patient and
     * study keys, a series record its own keys and its Study Instance UID, an instance record its own keys and its
     * study and series UIDs. Keys of other parents are the caller's to check. The filter hook is not applied.
     */
    public static boolean test(Query query, MetadataRecord record) {
        for (Map.Entry<QueryKey, Match> e : query.matches().entrySet()) {
            Object v = valueOf(record, e.getKey());
            if (v == NOT_ANSWERED) continue;
            boolean ok = v instanceof List<?> list
                    ? matchesAny(e.getKey(), e.getValue(), stringList(list), query.caseInsensitiveNames())
                    : matches(e.getKey(), e.getValue(), (String) v, query.caseInsensitiveNames());
            if (!ok) return false;
        }
        return true;
    }

    /**
     * Glob matching over code points: {@code *} any run, {@code ?} one character, everything else literal.
     * Linear backtracking to the last star only, so hostile patterns cannot blow up.
     */
    public static boolean wildcard(String pattern, String value) {
        int[] p = pattern.codePoints().toArray();
        int[] s = value.codePoints().toArray();
        int pi = 0, si = 0, star = -1, mark = 0;
        while (si < s.length) {
            if (pi < p.length && (p[pi] == '?' || p[pi] != '*' && p[pi] == s[si])) {
                pi++;
                si++;
            } else if (pi < p.length && p[pi] == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length && p[pi] == '*') pi++;
        return pi == p.length;
    }

    private static boolean single(ValueKind kind, String query, String stored) {
        return switch (kind) {
            case DATE, TIME -> {
                String n = DateTimes.normalize(kind, stored);
                yield n != null && n.compareTo(DateTimes.lowerBound(kind, query)) >= 0
                        && n.compareTo(DateTimes.upperBound(kind, query)) <= 0;
            }
            case INTEGER -> {
                Long a = parseInteger(query), b = parseInteger(stored);
                yield a != null && a.equals(b);
            }
            default -> query.equals(stored);
        };
    }

    @SuppressWarnings("unchecked")
    private static List<String> stringList(List<?> list) {
        return (List<String>) list;
    }

    private static Object valueOf(MetadataRecord r, QueryKey key) {
        if (r instanceof PatientRecord p) return patientValue(p, key);
        if (r instanceof StudyRecord s) {
            if (key.level() == QueryLevel.PATIENT) return patientValue(s.patient(), key);
            return switch (key) {
                case STUDY_INSTANCE_UID -> s.studyInstanceUid();
                case STUDY_DATE -> s.studyDate();
                case STUDY_TIME -> s.studyTime();
                case ACCESSION_NUMBER -> s.accessionNumber();
                case REFERRING_PHYSICIAN_NAME -> s.referringPhysicianName();
                case STUDY_DESCRIPTION -> s.studyDescription();
                case STUDY_ID -> s.studyId();
                case MODALITIES_IN_STUDY -> s.modalitiesInStudy();
                default -> NOT_ANSWERED;
            };
        }
        if (r instanceof SeriesRecord s) {
            return switch (key) {
                case STUDY_INSTANCE_UID -> s.studyInstanceUid();
                case SERIES_INSTANCE_UID -> s.seriesInstanceUid();
                case MODALITY -> s.modality();
                case SERIES_NUMBER -> s.seriesNumber() == null ? null : s.seriesNumber().toString();
                case SERIES_DESCRIPTION -> s.seriesDescription();
                case BODY_PART_EXAMINED -> s.bodyPartExamined();
                case PERFORMED_PROCEDURE_STEP_START_DATE -> s.performedProcedureStepStartDate();
                case PERFORMED_PROCEDURE_STEP_START_TIME -> s.performedProcedureStepStartTime();
                default -> NOT_ANSWERED;
            };
        }
        InstanceRecord i = (InstanceRecord) r;
        return switch (key) {
            case STUDY_INSTANCE_UID -> i.studyInstanceUid();
            case SERIES_INSTANCE_UID -> i.seriesInstanceUid();
            case SOP_INSTANCE_UID -> i.sopInstanceUid();
            case SOP_CLASS_UID -> i.sopClassUid();
            case INSTANCE_NUMBER -> i.instanceNumber() == null ? null : i.instanceNumber().toString();
            default -> NOT_ANSWERED;
        };
    }

    private static Object patientValue(PatientRecord p, QueryKey key) {
        return switch (key) {
            case PATIENT_ID -> p.patientId();
            case ISSUER_OF_PATIENT_ID -> p.issuerOfPatientId();
            case PATIENT_NAME -> p.patientName();
            case PATIENT_BIRTH_DATE -> p.birthDate();
            case PATIENT_SEX -> p.sex();
            default -> NOT_ANSWERED;
        };
    }
}
