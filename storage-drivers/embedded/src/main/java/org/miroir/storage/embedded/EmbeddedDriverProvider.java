package org.miroir.storage.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageDriverProvider;
import org.miroir.storage.StorageRole;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.object.ObjectStore;

/**
 * The {@code embedded} driver: metadata in {@code <data-dir>/index/index.db}, objects under
 * {@code <data-dir>/objects/}. Settings: {@code data-dir} (required), and for the index {@code write-queue},
 * {@code write-batch}, {@code read-threads}, {@code read-queue} (see {@link SqliteMetadataStore.Settings}).
 */
public final class EmbeddedDriverProvider implements StorageDriverProvider {
    public static final String NAME = "embedded";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<StorageRole> roles() {
        return EnumSet.allOf(StorageRole.class);
    }

    @Override
    public MetadataStore openMetadataStore(StorageConfig config) {
        return SqliteMetadataStore.open(dataDir(config).resolve("index"), SqliteMetadataStore.Settings.from(config));
    }

    @Override
    public ObjectStore openObjectStore(StorageConfig config) {
        try {
            return FileObjectStore.open(dataDir(config).resolve("objects"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the object store: " + e.getMessage(), e);
        }
    }

    private static Path dataDir(StorageConfig config) {
        return config.requirePath("data-dir");
    }
}
