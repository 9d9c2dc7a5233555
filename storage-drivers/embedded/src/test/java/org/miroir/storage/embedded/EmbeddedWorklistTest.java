package org.miroir.storage.embedded;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.testkit.WorklistContract;

/** The worklist contract on SQLite. */
class EmbeddedWorklistTest extends WorklistContract {
    @TempDir
    static Path dir;

    @Override
    protected MetadataStore openStore() {
        return StorageDrivers.provider("embedded")
                .openMetadataStore(StorageConfig.of(Map.of("data-dir", dir.toString())));
    }
}
