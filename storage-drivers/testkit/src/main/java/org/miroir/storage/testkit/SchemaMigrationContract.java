package org.miroir.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.miroir.storage.testkit.MetadataContractBase.allPages;
import static org.miroir.storage.testkit.MetadataContractBase.await;
import static org.miroir.storage.testkit.MetadataContractBase.journal;
import static org.miroir.storage.testkit.MetadataContractBase.scoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.JournalEntry;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StoreOutcome.Status;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;

/**
 * A metadata store opened on an index of an earlier schema version migrates it. Generic over the driver's migration
 * list (versions 1 to {@link #schemaVersion()}):
 * <ul>
 *   <li>a schema made at every earlier version (its migrations alone) is brought to the current version in order, and
 *       the store then serves writes and reads;</li>
 *   <li>data written at the current version survives a further migration (one of the test's own, version
 *       {@code schemaVersion() + 1}) unchanged, the store goes on writing, and a store of the real version then refuses
 *       the newer index.</li>
 * </ul>
 * Today's code cannot write the data an older version held (its statements name today's columns), so data kept
 * across the driver's own past migrations is each driver's test with that version's rows written as they were.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public abstract class SchemaMigrationContract {
    /** The driver's schema version: its migrations are numbered 1 to this. */
    protected abstract int schemaVersion();

    /** A fresh place for an index (a directory, a keyspace) named after {@code name}. */
    protected abstract String newLocation(String name) throws Exception;

    /** Makes the schema of {@code version} at {@code location}: the driver's migrations up to it, nothing else. */
    protected abstract void createSchemaAt(String location, int version) throws Exception;

    /** A store on {@code location} with every migration and the test's own next one. */
    protected abstract MetadataStore openWithNextMigration(String location);

    /** A store on {@code location} as a node opens it. */
    protected abstract MetadataStore open(String location);

    /** The schema version recorded at {@code location}. */
    protected abstract int recordedVersion(String location) throws Exception;

    /** Whether what the test's own next migration creates exists at {@code location}. */
    protected abstract boolean nextMigrationApplied(String location) throws Exception;

    /** Everything a store returns for one test's data: records at every level and the journal. */
    private record Snapshot(List<PatientRecord> patients, List<StudyRecord> studies, List<SeriesRecord> series,
            List<InstanceRecord> instances, List<JournalEntry> journal) {}

    @Test
    void everyEarlierSchemaMigratesToTheCurrentOneAndServes() throws Exception {
        for (int from = 1; from < schemaVersion(); from++) {
            String location = newLocation("v" + from);
            createSchemaAt(location, from);
            assertThat(recordedVersion(location)).isEqualTo(from);
            TestData d = new TestData();
            try (MetadataStore s = open(location)) {
                assertThat(recordedVersion(location)).as("migrated from %d", from).isEqualTo(schemaVersion());
                StoreRequest r = d.request(d.patient("MIG-" + from, "Migrated^Patient", "19700101", "O"), "20200101",
                        "ACC-" + from);
                assertThat(await(s.store(r, DuplicatePolicy.REJECT)).status()).isEqualTo(Status.STORED);
                assertThat(allPages(scoped(d).build(), s::findInstances)).extracting(InstanceRecord::sopInstanceUid)
                        .containsExactly(r.instance().sopInstanceUid());
            }
        }
    }

    @Test
    void dataWrittenAtTheCurrentVersionSurvivesTheNextMigration() throws Exception {
        String location = newLocation("current");
        TestData d = new TestData();
        PatientRecord patient = d.patient("MIG-1", "Migrated^Patient", "19700101", "O");
        List<StoreRequest> requests = List.of(d.request(patient, "20200101", "ACC-1"),
                d.request(patient, "20210101", "ACC-2"),
                d.request(d.patient("MIG-2", "Other^Patient", "19800202", "F"), "20220202", "ACC-3"));
        Set<String> studies = Set.copyOf(requests.stream().map(r -> r.study().studyInstanceUid()).toList());
        Snapshot before;
        try (MetadataStore s = open(location)) {
            for (StoreRequest r : requests) assertThat(await(s.store(r, DuplicatePolicy.REJECT)).status()).isEqualTo(Status.STORED);
            InstanceRecord i = requests.get(0).instance();
            await(s.deleteInstance(i.studyInstanceUid(), i.seriesInstanceUid(), i.sopInstanceUid()));
            before = snapshot(s, d, studies);
        }
        assertThat(before.instances()).hasSize(2);
        assertThat(recordedVersion(location)).isEqualTo(schemaVersion());

        int next = schemaVersion() + 1;
        try (MetadataStore s = openWithNextMigration(location)) {
            assertThat(snapshot(s, d, studies)).as("data written at version %d, read at %d", schemaVersion(), next)
                    .isEqualTo(before);
            assertThat(await(s.store(requests.get(1), DuplicatePolicy.REJECT)).status()).isEqualTo(Status.REJECTED);
            assertThat(await(s.store(d.request(patient, "20230303", "ACC-4"), DuplicatePolicy.REJECT)).status())
                    .isEqualTo(Status.STORED);
            assertThat(allPages(scoped(d).build(), s::findInstances)).hasSize(3);
        }
        assertThat(recordedVersion(location)).isEqualTo(next);
        assertThat(nextMigrationApplied(location)).isTrue();
        assertThatThrownBy(() -> open(location).close()).as("a store of version %d on a schema of %d",
                schemaVersion(), next).isInstanceOf(StorageException.class).hasMessageContaining("newer");
    }

    private static Snapshot snapshot(MetadataStore s, TestData d, Set<String> studies) {
        return new Snapshot(sorted(allPages(scoped(d).build(), s::findPatients), PatientRecord::patientId),
                sorted(allPages(scoped(d).build(), s::findStudies), StudyRecord::studyInstanceUid),
                sorted(allPages(scoped(d).build(), s::findSeries), SeriesRecord::seriesInstanceUid),
                sorted(allPages(scoped(d).build(), s::findInstances), InstanceRecord::sopInstanceUid),
                journal(s, e -> studies.contains(e.studyInstanceUid())));
    }

    private static <T> List<T> sorted(List<T> records, Function<T, String> key) {
        List<T> out = new ArrayList<>(records);
        out.sort(Comparator.comparing(key));
        return out;
    }
}
