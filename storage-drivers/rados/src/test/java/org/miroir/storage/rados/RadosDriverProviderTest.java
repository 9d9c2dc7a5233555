package org.miroir.storage.rados;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageRole;
import org.miroir.storage.testkit.StorageDriverProviderContract;

@ExtendWith(CephExtension.class)
class RadosDriverProviderTest extends StorageDriverProviderContract {
    @Override
    protected String driverName() {
        return "rados";
    }

    @Override
    protected Set<StorageRole> expectedRoles() {
        return EnumSet.of(StorageRole.OBJECTS);
    }

    @Override
    protected StorageConfig config() {
        return StorageConfig.of(CephExtension.ceph().settings("provider"));
    }
}
