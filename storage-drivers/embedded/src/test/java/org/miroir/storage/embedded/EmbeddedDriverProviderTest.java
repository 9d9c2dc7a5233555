package org.miroir.storage.embedded;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageRole;
import org.miroir.storage.testkit.StorageDriverProviderContract;

class EmbeddedDriverProviderTest extends StorageDriverProviderContract {
    @TempDir
    Path dir;

    @Override
    protected String driverName() {
        return "embedded";
    }

    @Override
    protected Set<StorageRole> expectedRoles() {
        return EnumSet.allOf(StorageRole.class);
    }

    @Override
    protected StorageConfig config() {
        return StorageConfig.of(Map.of("data-dir", dir.toString()));
    }
}
