package org.miroir.storage;

import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds storage drivers on the class path by name. */
public final class StorageDrivers {
    private StorageDrivers() {}

    /** Every driver visible to the thread's context class loader. */
    public static List<StorageDriverProvider> available() {
        return ServiceLoader.load(StorageDriverProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .collect(Collectors.toList());
    }

    /** The driver called {@code name}; the error lists the names that are available. */
    public static StorageDriverProvider provider(String name) {
        List<StorageDriverProvider> all = available();
        return all.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no storage driver named '" + name + "' (available: "
                        + all.stream().map(StorageDriverProvider::name).sorted().collect(Collectors.joining(", "))
                        + ")"));
    }
}
