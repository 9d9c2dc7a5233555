package org.miroir.storage.object;

import java.util.List;

/** One page of an object listing; {@code nextPageToken} is {@code null} on the last page. */
public record ObjectPage(List<ObjectInfo> objects, String nextPageToken) {
    public ObjectPage {
        objects = List.copyOf(objects);
    }
}
