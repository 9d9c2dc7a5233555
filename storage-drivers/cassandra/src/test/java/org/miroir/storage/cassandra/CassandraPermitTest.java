package org.miroir.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.miroir.storage.StorageDrivers;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;
import org.miroir.storage.testkit.TestData;

/**
 * Every operation gives its {@code max-in-flight} permit back: with 4 permits, many more operations of every kind one
 * after the other all succeed. A leaked permit shows only under long use, as a store answering "saturated" while idle.
 */
@ExtendWith(TestCassandra.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraPermitTest {
    private static final String KEYSPACE = TestCassandra.keyspace("permits");
    private static final int ROUNDS = 10;

    @Test
    void sequentialOperationsNeverExhaustThePermits() throws Exception {
        try (MetadataStore store = StorageDrivers.provider("cassandra").openMetadataStore(
                TestCassandra.current().config(KEYSPACE, Map.of("max-in-flight", "4")))) {
            TestData d = new TestData();
            StoreRequest r = d.request(d.patient("PERMIT-1", "Permit^Probe", "19800101", "F"), "20240301",
                    "ACC-" + d.token);
            String study = r.study().studyInstanceUid();
            List<Function<Integer, CompletionStage<?>>> ops = List.of(
                    i -> store.store(i == 0 ? r : new StoreRequest(r.study(), r.series(),
                            d.instance(r.series(), TestData.CT_IMAGE, i)), DuplicatePolicy.REJECT),
                    i -> store.findStudies(q(d).where(QueryKey.PATIENT_ID, "PERMIT-1").build()),
                    i -> store.findStudies(q(d).match(QueryKey.PATIENT_NAME, new Match.Wildcard("PERMIT^*")).build()),
                    i -> store.findStudies(q(d).match(QueryKey.PATIENT_NAME, new Match.Wildcard("P*")).build()),
                    i -> store.findStudies(q(d).where(QueryKey.STUDY_DATE, "20240225-20240305").build()),
                    i -> store.findStudies(q(d).where(QueryKey.ACCESSION_NUMBER, "ACC-" + d.token).build()),
                    i -> store.findPatients(q(d).match(QueryKey.PATIENT_NAME, new Match.Wildcard("Per*")).build()),
                    i -> store.findSeries(q(d).where(QueryKey.STUDY_INSTANCE_UID, study).build()),
                    i -> store.findInstances(q(d).where(QueryKey.STUDY_INSTANCE_UID, study).build()),
                    i -> store.instancesOf(study, null),
                    i -> store.referencedObjectKeys(List.of(r.instance().objectKey())),
                    i -> store.readJournal(0, null, 10));
            for (int round = 0; round < ROUNDS; round++)
                for (var op : ops) op.apply(round).toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertThat(store.findStudies(q(d).where(QueryKey.PATIENT_ID, "PERMIT-1").build()).toCompletableFuture()
                    .get(1, TimeUnit.MINUTES).items()).hasSize(1);
        }
    }

    /** Unscoped: the keyspace is this class's own, and the plans by patient ID or name alone are the ones to run. */
    private static Query.Builder q(TestData d) {
        return Query.builder();
    }

    @AfterAll
    void dropKeyspace() {
        TestCassandra.current().drop(KEYSPACE);
    }
}
