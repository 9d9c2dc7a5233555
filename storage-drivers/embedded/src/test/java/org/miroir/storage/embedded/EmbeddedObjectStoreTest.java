package org.miroir.storage.embedded;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.testkit.ObjectStoreContract;

class EmbeddedObjectStoreTest extends ObjectStoreContract {
    @TempDir
    static Path dir;

    @Override
    protected ObjectStore openStore() {
        return StorageDrivers.provider("embedded").openObjectStore(StorageConfig.of(Map.of("data-dir", dir.toString())));
    }
}
