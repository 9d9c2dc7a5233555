package org.miroir.storage.cassandra;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.StorageRole;
import org.miroir.storage.testkit.StorageDriverProviderContract;

@ExtendWith(TestCassandra.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraDriverProviderTest extends StorageDriverProviderContract {
    private final String keyspace = TestCassandra.keyspace("provider");

    @Override
    protected String driverName() {
        return "cassandra";
    }

    @Override
    protected Set<StorageRole> expectedRoles() {
        return EnumSet.of(StorageRole.METADATA);
    }

    @Override
    protected StorageConfig config() {
        return TestCassandra.current().config(keyspace, Map.of());
    }

    @AfterAll
    void dropKeyspace() {
        TestCassandra.current().drop(keyspace);
    }
}
