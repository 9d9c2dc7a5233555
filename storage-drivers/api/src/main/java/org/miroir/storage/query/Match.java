package org.miroir.storage.query;

import java.util.ArrayList;
import java.util.List;

/**
 * How one key matches (PS3.4 C.2.2.2). Values are compared without DICOM padding; PN values also
 * case-insensitively when the query asks for it. An entity whose value is empty matches only {@link Universal} and
 * {@link Empty}.
 */
public sealed interface Match {
    /** Upper bound of a value list: keeps one query's parameters and work bounded. */
    int MAX_VALUES = 1000;

    Match UNIVERSAL = new Universal();
    Match EMPTY = new Empty();

    /** No constraint (a return key, zero-length value or a lone {@code *}). */
    record Universal() implements Match {}

    /** The entity's value must be empty or absent (the query value {@code ""}). */
    record Empty() implements Match {}

    /** Equal value; for DA/TM the interval the value denotes (see {@link DateTimes}); for IS numeric equality. */
    record Single(String value) implements Match {
        public Single {
            requireValue(value);
        }
    }

    /** Any of the values (UID list matching; CS lists such as Modalities in Study {@code CT\MR}). */
    record AnyOf(List<String> values) implements Match {
        public AnyOf {
            values = List.copyOf(values);
            if (values.isEmpty() || values.size() > MAX_VALUES)
                throw new IllegalArgumentException("a value list needs 1.." + MAX_VALUES + " values");
            values.forEach(Match::requireValue);
        }
    }

    /** {@code *} matches any run of characters (also none), {@code ?} exactly one. */
    record Wildcard(String pattern) implements Match {
        public Wildcard {
            requireValue(pattern);
            if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0)
                throw new IllegalArgumentException("wildcard pattern without * or ?: " + pattern);
        }
    }

    /** Inclusive range; a {@code null} bound is open. */
    record Range(String lower, String upper) implements Match {
        public Range {
            if (lower == null && upper == null) throw new IllegalArgumentException("a range needs a bound");
        }
    }

    /** Throws when this match is not allowed for {@code key}'s kind (e.g. a wildcard on a UID). */
    default void requireApplicableTo(QueryKey key) {
        requireApplicableTo(key.kind(), key.name());
    }

    /** Throws when this match is not allowed for values of {@code kind}; {@code name} says whose in the message. */
    default void requireApplicableTo(ValueKind kind, String name) {
        boolean ok;
        if (this instanceof Single s) ok = valid(kind, s.value());
        else if (this instanceof AnyOf a) ok = kind.allowsList() && a.values().stream().allMatch(v -> valid(kind, v));
        else if (this instanceof Wildcard) ok = kind.allowsWildcard();
        else if (this instanceof Range r) ok = kind.allowsRange() && (r.lower() == null || valid(kind, r.lower()))
                && (r.upper() == null || valid(kind, r.upper()));
        else ok = true; // Universal, Empty
        if (!ok) throw new IllegalArgumentException(this + " cannot match " + name + " (" + kind + ")");
    }

    /**
     * Reads a query key's value as C-FIND identifiers and QIDO parameters give it: zero length or {@code *} is
     * universal, {@code ""} empty, {@code a-b} a range (DA, TM), {@code a\b} a list (UI, CS), {@code *}/{@code ?} a
     * wildcard (text, CS, PN). Throws {@link IllegalArgumentException} on values the key's kind does not allow.
     */
    static Match parse(QueryKey key, String value) {
        return parse(key.kind(), key.name(), value);
    }

    /** {@link #parse(QueryKey, String)} for any key whose values are of {@code kind}, named {@code name} in errors. */
    static Match parse(ValueKind kind, String name, String value) {
        if (value == null) return UNIVERSAL;
        String v = value.strip();
        if (v.isEmpty() || v.equals("*")) return UNIVERSAL;
        if (v.equals("\"\"")) return EMPTY;
        Match m;
        if (kind.allowsRange() && v.indexOf('-') >= 0) {
            int dash = v.indexOf('-');
            if (v.indexOf('-', dash + 1) >= 0) throw new IllegalArgumentException("malformed range for " + name + ": " + v);
            String lo = v.substring(0, dash).strip();
            String hi = v.substring(dash + 1).strip();
            m = lo.isEmpty() && hi.isEmpty() ? UNIVERSAL
                    : new Range(lo.isEmpty() ? null : lo, hi.isEmpty() ? null : hi);
        } else if (kind.allowsList() && v.indexOf('\\') >= 0) {
            List<String> values = new ArrayList<>();
            for (String part : v.split("\\\\")) if (!part.isBlank()) values.add(part.strip());
            m = values.isEmpty() ? UNIVERSAL : values.size() == 1 ? new Single(values.get(0)) : new AnyOf(values);
        } else if (v.indexOf('*') >= 0 || v.indexOf('?') >= 0) {
            m = new Wildcard(v);
        } else {
            m = new Single(v);
        }
        m.requireApplicableTo(kind, name);
        return m;
    }

    private static boolean valid(ValueKind kind, String v) {
        return switch (kind) {
            case DATE, TIME -> DateTimes.lowerBound(kind, v) != null;
            case INTEGER -> Matching.parseInteger(v) != null;
            case UID -> v.indexOf('*') < 0 && v.indexOf('?') < 0;
            default -> true;
        };
    }

    private static void requireValue(String v) {
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("match value must not be empty");
    }
}
