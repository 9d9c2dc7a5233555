package org.miroir.server.e2e;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.ManagedProcess;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.server.storage.Storage;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.object.ObjectInfo;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step 2 "done when" 3: kill -9 the node (started by {@code ops/miroir run}) while 4 storescu processes are
 * sending. After a restart, every instance storescu saw acknowledged with success (its verbose log, per file) is
 * found by findscu and retrieved by getscu equal to what was sent, and every index row points to an object that
 * exists with the recorded size and digest.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CrashConsistencyTest {
    private static final int SENDERS = 4;
    private static final int PER_SENDER = 150;

    @TempDir
    Path tmp;

    @Test
    void acknowledgedInstancesSurviveKill9() throws Exception {
        Dcmtk.assumeInstalled();
        SyntheticStudies gen = SyntheticStudies.builder().seed(99).patients(SENDERS).seriesPerStudy(1)
                .instancesPerSeries(PER_SENDER).rows(128).columns(128).build();
        List<Path> files = gen.writeAll(tmp.resolve("sent"), UID.ExplicitVRLittleEndian);
        Map<String, Path> sentByUid = new HashMap<>();
        Map<Path, String> uidByFile = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            sentByUid.put(gen.instances().get(i).sopInstanceUid(), files.get(i));
            uidByFile.put(files.get(i), gen.instances().get(i).sopInstanceUid());
        }
        Path data = tmp.resolve("data");

        Set<String> acknowledged = new HashSet<>();
        try (ArchiveNode node = ArchiveNode.start(data, new JsonObject())) {
            List<ManagedProcess> senders = new ArrayList<>();
            try {
                for (int s = 0; s < SENDERS; s++) {
                    List<String> cmd = new ArrayList<>(List.of("storescu", "-v", "-aec", ArchiveNode.AE_TITLE, "-nh",
                            "127.0.0.1", String.valueOf(node.dicomPort)));
                    files.subList(s * PER_SENDER, (s + 1) * PER_SENDER).forEach(f -> cmd.add(f.toString()));
                    senders.add(ManagedProcess.start(cmd, Dcmtk.ENV));
                }
                awaitStored(node, SENDERS * PER_SENDER / 3);
                node.kill();
                for (ManagedProcess p : senders) {
                    assertThat(p.process().waitFor(60, TimeUnit.SECONDS)).as("storescu ends after the node died").isTrue();
                    Scu.storeResults(p.output()).forEach((file, word) -> {
                        if (word.equals("Success")) acknowledged.add(uidByFile.get(file));
                    });
                }
            } finally {
                senders.forEach(ManagedProcess::close);
            }
        }
        System.out.println("acknowledged before kill -9: " + acknowledged.size() + " of " + files.size());
        assertThat(acknowledged).as("some instances acknowledged before the kill").isNotEmpty();
        assertThat(acknowledged.size()).as("the kill came while storescu was still sending").isLessThan(files.size());

        Set<String> indexed = new HashSet<>();
        try (ArchiveNode node = ArchiveNode.start(data, new JsonObject())) {
            Path got = Files.createDirectories(tmp.resolve("got"));
            for (SyntheticStudies.Series se : gen.series()) {
                indexed.addAll(Scu.values(Scu.find(node.dicomPort, Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=IMAGE",
                        "StudyInstanceUID=" + se.study().studyInstanceUid(), "SeriesInstanceUID=" + se.seriesInstanceUid(),
                        "SOPInstanceUID"), Tag.SOPInstanceUID));
                assertThat(Scu.get(node.dicomPort, Scu.STUDY_ROOT, got, "QueryRetrieveLevel=SERIES",
                        "StudyInstanceUID=" + se.study().studyInstanceUid(),
                        "SeriesInstanceUID=" + se.seriesInstanceUid()).ok()).isTrue();
            }
            assertThat(indexed).as("acknowledged instances found after restart").containsAll(acknowledged);
            Map<String, Path> retrieved = Scu.bySopInstanceUid(got);
            assertThat(retrieved.keySet()).as("every indexed instance retrieved").isEqualTo(indexed);
            List<String> problems = new ArrayList<>();
            for (String iuid : indexed) {
                List<String> diffs = Scu.differences(sentByUid.get(iuid), retrieved.get(iuid));
                if (!diffs.isEmpty()) problems.add(iuid + ": " + diffs);
            }
            assertThat(problems).as("retrieved instances that differ from the sent ones").isEmpty();
        }

        // The node is stopped: read its index and objects directly. No row may point to a missing object.
        try (Storage storage = Storage.open(new JsonObject(), data)) {
            List<InstanceRecord> rows = new ArrayList<>();
            Query q = Query.builder().limit(500).build();
            while (true) {
                Page<InstanceRecord> page = storage.metadata().findInstances(q).toCompletableFuture().get(30, TimeUnit.SECONDS);
                rows.addAll(page.items());
                if (!page.hasMore()) break;
                q = q.nextPage(page.nextPageToken());
            }
            assertThat(rows.stream().map(InstanceRecord::sopInstanceUid).collect(Collectors.toSet())).isEqualTo(indexed);
            for (InstanceRecord r : rows) {
                Optional<ObjectInfo> info = storage.objects().stat(r.objectKey());
                assertThat(info).as("object of %s", r.sopInstanceUid()).isPresent();
                assertThat(info.get().size()).isEqualTo(r.size());
                if (info.get().sha256() != null) assertThat(info.get().sha256()).isEqualTo(r.sha256());
            }
        }
    }

    /** Waits (bounded) until the node has stored {@code n} instances. */
    private static void awaitStored(ArchiveNode node, int n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (node.metric("miroir_instances_stored_total") < n) {
            if (System.nanoTime() > deadline) throw new AssertionError("fewer than " + n + " stored:\n" + node.output());
            Thread.sleep(20);
        }
    }
}
