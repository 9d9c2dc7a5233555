package org.miroir.server.query;

import java.util.Set;

/**
 * How a query runs, beyond its identifier.
 *
 * @param caseInsensitiveNames PN keys match ignoring case (config {@code fuzzyPersonNameMatching}; QIDO {@code fuzzymatching})
 * @param offset               matches to skip first (QIDO {@code offset}; 0 for C-FIND)
 * @param limit                at most this many responses, 1..{@link #MAX_LIMIT} (QIDO {@code limit})
 * @param includeAll           return every attribute the index keeps at the level (QIDO {@code includefield=all})
 * @param includeFields        more return keys by tag, as if present with an empty value in the identifier
 *                             (QIDO {@code includefield} and the default return attributes of PS3.18)
 */
public record QueryOptions(boolean caseInsensitiveNames, int offset, int limit, boolean includeAll,
                           Set<Integer> includeFields) {
    /** Upper bound of one query's responses: keeps the work a single request can cause bounded. */
    public static final int MAX_LIMIT = 100_000;

    public QueryOptions {
        if (offset < 0) throw new IllegalArgumentException("offset must not be negative: " + offset);
        if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be in 1.." + MAX_LIMIT + ": " + limit);
        includeFields = includeFields == null ? Set.of() : Set.copyOf(includeFields);
    }

    /** A C-FIND: every match up to {@code limit}, the identifier's keys only. */
    public static QueryOptions of(boolean caseInsensitiveNames, int limit) {
        return new QueryOptions(caseInsensitiveNames, 0, limit, false, Set.of());
    }
}
