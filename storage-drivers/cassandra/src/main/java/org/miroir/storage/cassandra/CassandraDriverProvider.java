package org.miroir.storage.cassandra;

import java.util.EnumSet;
import java.util.Set;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageDriverProvider;
import org.miroir.storage.StorageRole;
import org.miroir.storage.metadata.MetadataStore;

/** The {@code cassandra} driver: metadata only. Settings are listed in the module README. */
public final class CassandraDriverProvider implements StorageDriverProvider {
    public static final String NAME = "cassandra";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<StorageRole> roles() {
        return EnumSet.of(StorageRole.METADATA);
    }

    @Override
    public MetadataStore openMetadataStore(StorageConfig config) {
        return CassandraMetadataStore.open(CassandraSettings.from(config));
    }
}
