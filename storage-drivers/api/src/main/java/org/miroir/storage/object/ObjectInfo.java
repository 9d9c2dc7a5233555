package org.miroir.storage.object;

import java.time.Instant;

/**
 * What a store knows of an object without reading it.
 *
 * @param sha256       the digest recorded at write time, or {@code null} when the store keeps none
 * @param lastModified when it was committed (the orphan sweeper spares recent objects)
 */
public record ObjectInfo(String key, long size, String sha256, Instant lastModified) {}
