package org.miroir.storage.embedded;

import java.util.ArrayList;
import java.util.List;
import org.miroir.storage.query.DateTimes;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Matching;
import org.miroir.storage.query.ValueKind;

/**
 * One match as an SQL condition on a column, with the semantics of {@link Matching}: wildcards become GLOB
 * (case-sensitive, index-friendly for prefixes), case-insensitive names compare the column's {@code _fold} twin,
 * dates and times its {@code _n} normal-form twin. Used by the index and the worklist queries.
 */
final class MatchSql {
    private MatchSql() {}

    /** The condition on {@code col} for {@code m}; its parameters are appended to {@code params}. */
    static String condition(String col, ValueKind kind, Match m, boolean caseInsensitiveNames, List<Object> params) {
        boolean fold = caseInsensitiveNames && kind == ValueKind.PERSON_NAME;
        String cmp = fold ? col + "_fold" : col;
        String norm = col + "_n";
        if (m instanceof Match.Empty) return "(" + col + " IS NULL OR " + col + " = '')";
        if (m instanceof Match.Single s) return single(kind, cmp, norm, fold ? Matching.fold(s.value()) : s.value(), params);
        if (m instanceof Match.AnyOf a) {
            List<String> parts = new ArrayList<>();
            for (String v : a.values()) parts.add(single(kind, cmp, norm, v, params));
            return "(" + String.join(" OR ", parts) + ")";
        }
        if (m instanceof Match.Wildcard w) {
            params.add(glob(fold ? Matching.fold(w.pattern()) : w.pattern()));
            // '' stands for an absent Patient ID or Issuer, which no pattern may match.
            return cmp + " GLOB ? AND " + cmp + " <> ''";
        }
        Match.Range r = (Match.Range) m;
        List<String> parts = new ArrayList<>();
        if (r.lower() != null) {
            parts.add(norm + " >= ?");
            params.add(DateTimes.lowerBound(kind, r.lower()));
        }
        if (r.upper() != null) {
            parts.add(norm + " <= ?");
            params.add(DateTimes.upperBound(kind, r.upper()));
        }
        return String.join(" AND ", parts);
    }

    private static String single(ValueKind kind, String col, String norm, String value, List<Object> params) {
        switch (kind) {
            case DATE, TIME -> {
                params.add(DateTimes.lowerBound(kind, value));
                params.add(DateTimes.upperBound(kind, value));
                return norm + " BETWEEN ? AND ?";
            }
            case INTEGER -> params.add(Matching.parseInteger(value));
            default -> params.add(value);
        }
        return col + " = ?";
    }

    /** DICOM {@code *}/{@code ?} keep their meaning in GLOB; {@code [} would open a class, so it is escaped. */
    static String glob(String pattern) {
        return pattern.replace("[", "[[]");
    }
}
