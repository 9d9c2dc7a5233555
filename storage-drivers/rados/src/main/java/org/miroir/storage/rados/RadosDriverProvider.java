package org.miroir.storage.rados;

import java.util.EnumSet;
import java.util.Set;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageDriverProvider;
import org.miroir.storage.StorageRole;
import org.miroir.storage.object.ObjectStore;

/** The {@code rados} driver: objects in a Ceph pool. Settings: see {@link RadosSettings} and the README. */
public final class RadosDriverProvider implements StorageDriverProvider {
    public static final String NAME = "rados";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<StorageRole> roles() {
        return EnumSet.of(StorageRole.OBJECTS);
    }

    @Override
    public ObjectStore openObjectStore(StorageConfig config) {
        return RadosObjectStore.open(RadosSettings.from(config));
    }
}
