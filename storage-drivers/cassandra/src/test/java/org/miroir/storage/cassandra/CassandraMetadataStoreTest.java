package org.miroir.storage.cassandra;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.testkit.MetadataStoreContract;

/** The metadata contract on a real Cassandra, with paging across 10,000 studies. */
@ExtendWith(TestCassandra.Extension.class)
class CassandraMetadataStoreTest extends MetadataStoreContract {
    private static final String KEYSPACE = TestCassandra.keyspace("contract");

    @Override
    protected MetadataStore openStore() {
        return StorageDrivers.provider("cassandra")
                .openMetadataStore(TestCassandra.current().config(KEYSPACE, Map.of()));
    }

    @Override
    protected void armStoreFailure(String sopInstanceUid) {
        ((CassandraMetadataStore) store).failStoreOf(sopInstanceUid);
    }

    @Override
    protected int pagingStudies() {
        return 10_000;
    }

    @AfterAll
    void dropKeyspace() {
        TestCassandra.current().drop(KEYSPACE);
    }
}
