package org.miroir.storage.cassandra;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.testkit.PatientContract;

/** The patient registry contract on a real Cassandra. */
@ExtendWith(TestCassandra.Extension.class)
class CassandraPatientTest extends PatientContract {
    private static final String KEYSPACE = TestCassandra.keyspace("patient");

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
