package org.miroir.storage;

import java.util.Set;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.object.ObjectStore;

/**
 * A storage driver, found by {@link java.util.ServiceLoader} (declare the implementation in
 * {@code META-INF/services/org.miroir.storage.StorageDriverProvider}). The node picks drivers by {@link #name()} from
 * its configuration, so it never imports one. Implementations need a public no-argument constructor and must be cheap
 * to instantiate: opening stores is where the work happens.
 */
public interface StorageDriverProvider {
    /** The name used in configuration, e.g. {@code embedded}, {@code cassandra}, {@code rados}. */
    String name();

    /** What this driver can open. */
    Set<StorageRole> roles();

    /** Opens the metadata store; the caller closes it. */
    default MetadataStore openMetadataStore(StorageConfig config) {
        throw new UnsupportedOperationException("storage driver '" + name() + "' does not store metadata");
    }

    /** Opens the object store; the caller closes it. */
    default ObjectStore openObjectStore(StorageConfig config) {
        throw new UnsupportedOperationException("storage driver '" + name() + "' does not store objects");
    }
}
