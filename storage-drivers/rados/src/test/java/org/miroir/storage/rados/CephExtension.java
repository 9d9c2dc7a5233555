package org.miroir.storage.rados;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives test classes the run's {@link TestCeph}: created once, kept in the root store, closed when the run ends.
 * Runs before {@code @BeforeAll} methods, so the contracts' {@code openStore()} can use {@link #ceph()}.
 */
final class CephExtension implements BeforeAllCallback {
    private static volatile TestCeph ceph;

    @Override
    public void beforeAll(ExtensionContext context) {
        ceph = context.getRoot().getStore(ExtensionContext.Namespace.create(CephExtension.class))
                .computeIfAbsent(TestCeph.class, k -> TestCeph.startOrUseEnvironment(), TestCeph.class);
    }

    static TestCeph ceph() {
        TestCeph c = ceph;
        if (c == null) throw new IllegalStateException("annotate the test class with @ExtendWith(CephExtension.class)");
        return c;
    }
}
