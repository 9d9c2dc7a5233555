package org.miroir.storage.query;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Predicate;
import org.miroir.storage.metadata.MetadataRecord;

/**
 * A driver-neutral query: key matches (all must hold), options and paging. The level is given by the
 * {@code find*} method called; keys of that level and the levels above may be used.
 *
 * <p>Paging: results come in a stable order of the store's choosing. The first page skips {@code offset} matches
 * (QIDO {@code offset}); each page holds at most {@code limit} records and a token that resumes after it (the offset
 * is not applied again). Tokens belong to the query they came from.
 *
 * @param matches              constraints per key ({@link Match#UNIVERSAL} ones are dropped)
 * @param caseInsensitiveNames PN keys match ignoring case ({@link Matching#fold})
 * @param filter               the hook for what the index cannot match (sequence matching, attributes outside
 *                             {@link QueryKey}): the driver applies it to every candidate that satisfies
 *                             {@code matches}, before offset and limit, passing the record with its attributes;
 *                             {@code null} for none
 * @param includeAttributes    return each record's encoded attributes (QIDO includefield, WADO metadata)
 * @param pageToken            {@code null} for the first page
 */
public record Query(
        Map<QueryKey, Match> matches,
        boolean caseInsensitiveNames,
        Predicate<MetadataRecord> filter,
        boolean includeAttributes,
        int offset,
        int limit,
        String pageToken) {
    /** Upper bound of a page: a query never makes a store hold more than this many records at once. */
    public static final int MAX_LIMIT = 10_000;

    public Query {
        EnumMap<QueryKey, Match> copy = new EnumMap<>(QueryKey.class);
        matches.forEach((k, m) -> {
            m.requireApplicableTo(k);
            if (!(m instanceof Match.Universal)) copy.put(k, m);
        });
        matches = Collections.unmodifiableMap(copy);
        if (offset < 0) throw new IllegalArgumentException("offset must not be negative");
        if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be in 1.." + MAX_LIMIT);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same query resuming at {@code token} (from {@link Page#nextPageToken()}). */
    public Query nextPage(String token) {
        return new Query(matches, caseInsensitiveNames, filter, includeAttributes, offset, limit, token);
    }

    /** The match for {@code key}, {@link Match#UNIVERSAL} when unconstrained. */
    public Match match(QueryKey key) {
        return matches.getOrDefault(key, Match.UNIVERSAL);
    }

    /** Throws {@link IllegalArgumentException} when a key lies below {@code level}. */
    public void requireLevel(QueryLevel level) {
        for (QueryKey k : matches.keySet())
            if (!level.accepts(k.level()))
                throw new IllegalArgumentException(k + " is not a key of a " + level + "-level query");
    }

    public static final class Builder {
        private final Map<QueryKey, Match> matches = new EnumMap<>(QueryKey.class);
        private boolean caseInsensitiveNames;
        private Predicate<MetadataRecord> filter;
        private boolean includeAttributes;
        private int offset;
        private int limit = 1000;
        private String pageToken;

        public Builder match(QueryKey key, Match match) {
            matches.put(key, match);
            return this;
        }

        /** Adds a key with its DICOM/QIDO query value, see {@link Match#parse}. */
        public Builder where(QueryKey key, String value) {
            return match(key, Match.parse(key, value));
        }

        public Builder caseInsensitiveNames(boolean on) {
            caseInsensitiveNames = on;
            return this;
        }

        public Builder filter(Predicate<MetadataRecord> f) {
            filter = f;
            return this;
        }

        public Builder includeAttributes(boolean on) {
            includeAttributes = on;
            return this;
        }

        public Builder offset(int n) {
            offset = n;
            return this;
        }

        public Builder limit(int n) {
            limit = n;
            return this;
        }

        public Builder pageToken(String token) {
            pageToken = token;
            return this;
        }

        public Query build() {
            return new Query(matches, caseInsensitiveNames, filter, includeAttributes, offset, limit, pageToken);
        }
    }
}
