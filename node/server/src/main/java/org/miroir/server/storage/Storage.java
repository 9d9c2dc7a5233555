package org.miroir.server.storage;

import io.vertx.core.json.JsonObject;
import org.miroir.server.encryption.EncryptingObjectStore;
import org.miroir.server.encryption.EncryptionSettings;
import org.miroir.server.encryption.KeyRing;
import org.miroir.server.metrics.NodeMetrics;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.object.ObjectStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The node's metadata and object stores, opened by driver name from configuration
 * ({@code storage.metadata.driver}, {@code storage.objects.driver}; default "embedded" under the data directory).
 * The archive sees only the SPI: drivers come from the class path through ServiceLoader. With a
 * {@code storage.encryption} section, every driver's objects are encrypted at rest ({@link EncryptingObjectStore}).
 */
public record Storage(MetadataStore metadata, ObjectStore objects) implements AutoCloseable {

    public static Storage open(JsonObject storageConfig, Path dataDir) {
        KeyRing keys = null;
        EncryptionSettings encryption = EncryptionSettings.fromJson(storageConfig.getJsonObject("encryption"),
                System.getenv());
        if (encryption != null) {
            try {
                keys = KeyRing.load(encryption);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        StorageConfig md = settings(storageConfig.getJsonObject("metadata", new JsonObject()), dataDir);
        StorageConfig obj = settings(storageConfig.getJsonObject("objects", new JsonObject()), dataDir);
        MetadataStore metadata = StorageDrivers.provider(driver(storageConfig, "metadata")).openMetadataStore(md);
        try {
            ObjectStore objects = StorageDrivers.provider(driver(storageConfig, "objects")).openObjectStore(obj);
            if (keys != null) objects = new EncryptingObjectStore(objects, keys, encryption.readPlaintext());
            return new Storage(metadata, objects);
        } catch (RuntimeException e) {
            metadata.close();
            throw e;
        }
    }

    /** The driver of {@code store} ("metadata" or "objects") in the storage configuration. */
    private static String driver(JsonObject storageConfig, String store) {
        return storageConfig.getJsonObject(store, new JsonObject()).getString("driver", "embedded");
    }

    /**
     * These stores as the node's services use them: every driver call timed and its failures counted (labelled with
     * the drivers of {@code storageConfig}), and object store calls made on an event loop reported.
     */
    public Storage observed(JsonObject storageConfig, NodeMetrics m) {
        CallMeter md = new CallMeter("metadata", driver(storageConfig, "metadata"), m.storageCalls, m.storageErrors);
        CallMeter obj = new CallMeter("objects", driver(storageConfig, "objects"), m.storageCalls, m.storageErrors);
        return new Storage(new MeteredMetadataStore(metadata, md),
                new EventLoopCheckedObjectStore(new MeteredObjectStore(objects, obj), m.eventLoopBlockingCalls));
    }

    private static StorageConfig settings(JsonObject json, Path dataDir) {
        Map<String, String> m = new HashMap<>();
        m.put("data-dir", dataDir.toString());
        json.forEach(e -> m.put(e.getKey(), String.valueOf(e.getValue())));
        return StorageConfig.of(m);
    }

    @Override
    public void close() {
        try {
            metadata.close();
        } finally {
            try {
                objects.close();
            } catch (Exception e) {
                System.getLogger(Storage.class.getName()).log(System.Logger.Level.WARNING, "closing object store", e);
            }
        }
    }
}
