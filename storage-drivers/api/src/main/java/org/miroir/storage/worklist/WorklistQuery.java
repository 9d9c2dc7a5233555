package org.miroir.storage.worklist;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Matching;

/**
 * A worklist query: key matches (all must hold) and paging, as {@link org.miroir.storage.query.Query} has them:
 * results in a stable order of the store's choosing, at most {@code limit} per page, a token to resume after it.
 * {@link #test} is the reference semantics every driver must agree with.
 *
 * @param matches              constraints per key ({@link Match#UNIVERSAL} ones are dropped)
 * @param caseInsensitiveNames the patient's name matches ignoring case ({@link Matching#fold})
 * @param pageToken            {@code null} for the first page
 */
public record WorklistQuery(Map<WorklistKey, Match> matches, boolean caseInsensitiveNames, int limit,
        String pageToken) {
    public static final int MAX_LIMIT = 10_000;

    public WorklistQuery {
        EnumMap<WorklistKey, Match> copy = new EnumMap<>(WorklistKey.class);
        matches.forEach((k, m) -> {
            m.requireApplicableTo(k.kind(), k.name());
            if (!(m instanceof Match.Universal)) copy.put(k, m);
        });
        matches = Collections.unmodifiableMap(copy);
        if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be in 1.." + MAX_LIMIT);
    }

    /** The same query resuming at {@code token}. */
    public WorklistQuery nextPage(String token) {
        return new WorklistQuery(matches, caseInsensitiveNames, limit, token);
    }

    /** The match for {@code key}, {@link Match#UNIVERSAL} when unconstrained. */
    public Match match(WorklistKey key) {
        return matches.getOrDefault(key, Match.UNIVERSAL);
    }

    public static final class Builder {
        private final Map<WorklistKey, Match> matches = new EnumMap<>(WorklistKey.class);
        private boolean caseInsensitiveNames;
        private int limit = 1000;

        public Builder match(WorklistKey key, Match match) {
            matches.put(key, match);
            return this;
        }

        public Builder caseInsensitiveNames(boolean on) {
            caseInsensitiveNames = on;
            return this;
        }

        public Builder limit(int n) {
            limit = n;
            return this;
        }

        public WorklistQuery build() {
            return new WorklistQuery(matches, caseInsensitiveNames, limit, null);
        }
    }

    /** Whether {@code item} satisfies every match. */
    public boolean test(WorklistItem item) {
        for (Map.Entry<WorklistKey, Match> e : matches.entrySet())
            if (!Matching.matches(e.getKey().kind(), e.getValue(), item.value(e.getKey()), caseInsensitiveNames))
                return false;
        return true;
    }
}
