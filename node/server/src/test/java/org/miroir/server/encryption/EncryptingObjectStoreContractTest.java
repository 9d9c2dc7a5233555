package org.miroir.server.encryption;

import org.junit.jupiter.api.io.TempDir;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.testkit.ObjectStoreContract;

import java.nio.file.Path;
import java.util.Map;

/** The decorator is an ObjectStore like any driver: the whole contract, over the embedded driver's files. */
class EncryptingObjectStoreContractTest extends ObjectStoreContract {
    @TempDir
    static Path dir;

    @Override
    protected ObjectStore openStore() throws Exception {
        Path keys = TestKeys.write(dir.resolve("keys.p12"), Map.of("k1", TestKeys.newKey()));
        ObjectStore files = StorageDrivers.provider("embedded")
                .openObjectStore(StorageConfig.of(Map.of("data-dir", dir.toString())));
        return new EncryptingObjectStore(files, TestKeys.ring(keys, "k1"), false);
    }

    @Override
    protected long largeObjectSize() {
        return 40L << 20;
    }
}
