package org.miroir.server.query;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Matching;
import org.miroir.storage.query.QueryKey;
import org.miroir.storage.query.ValueKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A constraint on an attribute the index does not match (PS3.4 C.2.2.2), tested on a record's encoded attributes:
 * single value, list, wildcard, date/time range and empty, with the semantics of the storage SPI's {@link Matching};
 * DT values and ranges (offsets ignored); and sequence matching, where an item matches when all its constrained
 * keys do and the sequence matches when one of its items does.
 */
final class AttributeConstraint {
    /** DT range: two optional date-times with optional UTC offsets around the range dash. */
    private static final Pattern DT_RANGE = Pattern.compile("([0-9.]*)(?:[+-][0-9]{4})?-([0-9.]*)(?:[+-][0-9]{4})?");
    private static final Pattern DT_OFFSET = Pattern.compile("[+-][0-9]{4}$");
    private static final String DT_LOW = "00000101000000.000000";
    private static final String DT_HIGH = "99991231235959.999999";

    private final int tag;
    private final ValueKind kind; // null for DT and sequences
    private final Match match;
    private final List<AttributeConstraint> itemConstraints; // sequences only

    private AttributeConstraint(int tag, ValueKind kind, Match match, List<AttributeConstraint> itemConstraints) {
        this.tag = tag;
        this.kind = kind;
        this.match = match;
        this.itemConstraints = itemConstraints;
    }

    int tag() { return tag; }

    /** Whether a query item constrains anything (a value, or a nested sequence that does). */
    static boolean hasConstraint(Attributes item) {
        for (int i = 0; i < item.size(); i++) {
            int t = item.tagAt(i);
            if (t == Tag.SpecificCharacterSet) continue;
            Object v = item.valueAt(i);
            if (v instanceof Sequence s) {
                if (!s.isEmpty() && hasConstraint(s.get(0))) return true;
            } else if (v instanceof byte[] b && b.length > 0) {
                String[] values = item.getStrings(t);
                if (values != null && !String.join("\\", values).isBlank()) return true;
            }
        }
        return false;
    }

    static AttributeConstraint sequence(int tag, Attributes item) {
        List<AttributeConstraint> parts = new ArrayList<>();
        for (int i = 0; i < item.size(); i++) {
            int t = item.tagAt(i);
            if (t == Tag.SpecificCharacterSet) continue;
            Object v = item.valueAt(i);
            if (v instanceof Sequence s) {
                if (!s.isEmpty() && hasConstraint(s.get(0))) parts.add(sequence(t, s.get(0)));
                continue;
            }
            String[] values = item.getStrings(t);
            if (values == null) continue;
            String joined = String.join("\\", values);
            if (!joined.isBlank()) parts.add(parse(t, item.vrAt(i), joined, Identifier.name(t)));
        }
        return new AttributeConstraint(tag, null, null, List.copyOf(parts));
    }

    /** Throws {@link IllegalArgumentException} naming {@code name} when the value cannot be matched for the VR. */
    static AttributeConstraint parse(int tag, VR vr, String value, String name) {
        if (vr == VR.DT) return new AttributeConstraint(tag, null, dateTime(value.strip(), name), null);
        ValueKind kind = kindOf(vr);
        try {
            return new AttributeConstraint(tag, kind, Match.parse(keyOfKind(kind), value), null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid value for " + name + " (" + vr + "): " + value, e);
        }
    }

    boolean test(Attributes record, boolean caseInsensitiveNames) {
        if (itemConstraints != null) {
            Sequence items = record.getSequence(tag);
            if (items == null) return false;
            for (Attributes item : items) {
                boolean all = true;
                for (AttributeConstraint c : itemConstraints) {
                    if (!c.test(item, caseInsensitiveNames)) {
                        all = false;
                        break;
                    }
                }
                if (all) return true;
            }
            return false;
        }
        String[] stored = record.getStrings(tag);
        List<String> values = stored == null ? List.of()
                : Arrays.stream(stored).filter(s -> !s.isEmpty()).toList();
        if (kind == null) return dateTimeMatches(values);
        return Matching.matchesAny(keyOfKind(kind), match, values, caseInsensitiveNames);
    }

    private static ValueKind kindOf(VR vr) {
        return switch (vr) {
            case DA -> ValueKind.DATE;
            case TM -> ValueKind.TIME;
            case UI -> ValueKind.UID;
            case PN -> ValueKind.PERSON_NAME;
            case CS -> ValueKind.CODE;
            case IS -> ValueKind.INTEGER;
            default -> ValueKind.TEXT;
        };
    }

    /**
     * The SPI parses and matches by a key's {@link ValueKind} only; for attributes outside {@link QueryKey} a key of
     * the same kind stands in, so these constraints follow exactly the index's rules.
     */
    private static QueryKey keyOfKind(ValueKind kind) {
        return switch (kind) {
            case TEXT -> QueryKey.PATIENT_ID;
            case CODE -> QueryKey.MODALITY;
            case UID -> QueryKey.SOP_INSTANCE_UID;
            case PERSON_NAME -> QueryKey.PATIENT_NAME;
            case DATE -> QueryKey.STUDY_DATE;
            case TIME -> QueryKey.STUDY_TIME;
            case INTEGER -> QueryKey.SERIES_NUMBER;
        };
    }

    // ---------------------------------------------------------------- DT

    private static Match dateTime(String v, String name) {
        if (v.equals("\"\"")) return Match.EMPTY;
        Matcher m = DT_RANGE.matcher(v);
        if (m.matches()) {
            String lo = m.group(1), hi = m.group(2);
            if (lo.isEmpty() && hi.isEmpty()) return Match.UNIVERSAL;
            requireDateTime(lo, name);
            requireDateTime(hi, name);
            return new Match.Range(lo.isEmpty() ? null : lo, hi.isEmpty() ? null : hi);
        }
        String single = DT_OFFSET.matcher(v).replaceFirst("");
        if (single.isEmpty() || !requireDateTime(single, name)) throw new IllegalArgumentException("invalid DT value for " + name + ": " + v);
        return new Match.Single(single);
    }

    private static boolean requireDateTime(String v, String name) {
        if (v.isEmpty()) return true;
        if (v.length() > DT_LOW.length() || !v.matches("[0-9]{4}([0-9]{2}){0,5}(\\.[0-9]{1,6})?"))
            throw new IllegalArgumentException("invalid DT value for " + name + ": " + v);
        return true;
    }

    private boolean dateTimeMatches(List<String> stored) {
        if (match instanceof Match.Universal) return true;
        if (stored.isEmpty()) return match instanceof Match.Empty;
        if (match instanceof Match.Empty) return false;
        for (String s : stored) {
            String n = pad(DT_OFFSET.matcher(s.strip()).replaceFirst(""), DT_LOW);
            if (n == null) continue;
            String lo, hi;
            if (match instanceof Match.Single one) {
                lo = pad(one.value(), DT_LOW);
                hi = pad(one.value(), DT_HIGH);
            } else {
                Match.Range r = (Match.Range) match;
                lo = r.lower() == null ? DT_LOW : pad(r.lower(), DT_LOW);
                hi = r.upper() == null ? DT_HIGH : pad(r.upper(), DT_HIGH);
            }
            if (n.compareTo(lo) >= 0 && n.compareTo(hi) <= 0) return true;
        }
        return false;
    }

    /** A DT value completed from {@code template} (its lowest or highest instant); null when it is longer. */
    private static String pad(String v, String template) {
        if (v.length() > template.length()) return null;
        return v + template.substring(v.length());
    }
}
