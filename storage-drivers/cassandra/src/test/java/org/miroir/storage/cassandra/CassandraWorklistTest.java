package org.miroir.storage.cassandra;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.testkit.WorklistContract;

/** The worklist contract on a real Cassandra. */
@ExtendWith(TestCassandra.Extension.class)
class CassandraWorklistTest extends WorklistContract {
    private static final String KEYSPACE = TestCassandra.keyspace("worklist");

    @Override
    protected MetadataStore openStore() {
        return StorageDrivers.provider("cassandra")
                .openMetadataStore(TestCassandra.current().config(KEYSPACE, Map.of()));
    }

    @AfterAll
    void dropKeyspace() {
        TestCassandra.current().drop(KEYSPACE);
    }
}
