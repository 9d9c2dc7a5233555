package org.miroir.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageDriverProvider;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.StorageRole;

/** The driver is found by name through ServiceLoader, as the node finds it, and opens only what it offers. */
public abstract class StorageDriverProviderContract {
    /** The name the driver registers. */
    protected abstract String driverName();

    protected abstract Set<StorageRole> expectedRoles();

    /** A configuration that opens the driver's stores. */
    protected abstract StorageConfig config();

    @Test
    void isFoundByName() {
        StorageDriverProvider p = StorageDrivers.provider(driverName());
        assertThat(p.name()).isEqualTo(driverName());
        assertThat(p.roles()).isEqualTo(expectedRoles());
        assertThatThrownBy(() -> StorageDrivers.provider("no-such-driver"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(driverName());
    }

    @Test
    void opensWhatItOffers() throws Exception {
        StorageDriverProvider p = StorageDrivers.provider(driverName());
        if (expectedRoles().contains(StorageRole.METADATA)) {
            try (var m = p.openMetadataStore(config())) {
                assertThat(m.health().toCompletableFuture().get().up()).isTrue();
            }
        } else {
            assertThatThrownBy(() -> p.openMetadataStore(config())).isInstanceOf(UnsupportedOperationException.class);
        }
        if (expectedRoles().contains(StorageRole.OBJECTS)) {
            try (var o = p.openObjectStore(config())) {
                assertThat(o.health().up()).isTrue();
            }
        } else {
            assertThatThrownBy(() -> p.openObjectStore(config())).isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
