package org.miroir.storage.query;

import java.util.List;

/**
 * One page of query results.
 *
 * @param nextPageToken opaque token for {@link Query#nextPage(String)}, or {@code null} when there are no more
 */
public record Page<T>(List<T> items, String nextPageToken) {
    public Page {
        items = List.copyOf(items);
    }

    public boolean hasMore() {
        return nextPageToken != null;
    }
}
