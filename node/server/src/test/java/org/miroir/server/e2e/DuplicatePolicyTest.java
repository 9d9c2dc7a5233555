package org.miroir.server.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.FileMetaInformation;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.server.storage.Storage;
import org.miroir.server.web.DicomWebClient;
import org.miroir.server.web.WebNode;
import org.miroir.storage.digest.Sha256;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.object.ObjectInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The duplicate SOP Instance UID policy of a node (docs/CONFORMANCE.md): an instance stored by storescu is sent again
 * with other content, by storescu and then by STOW-RS. IGNORE keeps the first copy and warns (C-STORE 0xB006; STOW-RS
 * 202 with WarningReason B006), REJECT keeps it and refuses (C-STORE 0x0111; STOW-RS 409 with FailureReason 0111),
 * OVERWRITE replaces it (success; 200). After each send the index has one row for the instance, its object has the
 * recorded size and digest and is the copy the policy kept (by WADO-RS and by the index's own attributes, QIDO-RS),
 * and no other object is left behind.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DuplicatePolicyTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(DuplicatePolicy.class)
    void resentInstanceFollowsThePolicy(DuplicatePolicy policy) throws Exception {
        Dcmtk.assumeInstalled();
        SyntheticStudies gen = SyntheticStudies.builder().seed(77).patients(1).seriesPerStudy(1).instancesPerSeries(1)
                .rows(16).columns(16).build();
        SyntheticStudies.Instance instance = gen.instances().get(0);
        List<Path> copies = List.of(copy(gen, instance, 1), copy(gen, instance, 2), copy(gen, instance, 3));
        try (WebNode node = WebNode.start(tmp.resolve("data"), new JsonObject().put("duplicatePolicy", policy.name()))) {
            int port = node.node.dicomPort();
            assertThat(Scu.store(port, copies.subList(0, 1))).containsEntry(copies.get(0), "Success");
            assertKept(node, instance, 1);

            // dcmtk names 0xB006 "ElementsDiscarded" and has no name for 0x0111.
            String status = switch (policy) {
                case IGNORE -> "Warning: ElementsDiscarded";
                case REJECT -> "Unknown Status: 0x111";
                case OVERWRITE -> "Success";
            };
            assertThat(Scu.storeOutput(port, copies.subList(1, 2))).as("storescu of the second copy under %s", policy)
                    .contains("Received Store Response (" + status + ")");
            assertKept(node, instance, policy == DuplicatePolicy.OVERWRITE ? 2 : 1);

            HttpResponse<byte[]> stow = node.stow("/dicom-web/studies", copies.subList(2, 3));
            JsonObject body = DicomWebClient.json(stow);
            switch (policy) {
                case IGNORE -> {
                    assertThat(stow.statusCode()).isEqualTo(202);
                    assertThat(reason(body, "00081199", "00081196")).as("WarningReason").isEqualTo(0xB006);
                }
                case REJECT -> {
                    assertThat(stow.statusCode()).isEqualTo(409);
                    assertThat(reason(body, "00081198", "00081197")).as("FailureReason").isEqualTo(0x0111);
                }
                case OVERWRITE -> assertThat(stow.statusCode()).isEqualTo(200);
            }
            assertKept(node, instance, policy == DuplicatePolicy.OVERWRITE ? 3 : 1);
        }
    }

    /** The instance's data set with Image Comments naming the copy, as a Part 10 file. */
    private Path copy(SyntheticStudies gen, SyntheticStudies.Instance instance, int n) throws IOException {
        Attributes ds = gen.dataset(instance);
        ds.setString(Tag.ImageComments, VR.LT, "copy " + n);
        Path file = tmp.resolve("copy-" + n + ".dcm");
        try (OutputStream out = Files.newOutputStream(file)) {
            new DicomOutputStream(out, UID.ExplicitVRLittleEndian).writeDataset(FileMetaInformation.create(
                    instance.sopInstanceUid(), instance.sopClassUid(), UID.ExplicitVRLittleEndian), ds);
        }
        return file;
    }

    /** One index row, its object whole and alone in the store, and both the copy {@code n}. */
    private static void assertKept(WebNode node, SyntheticStudies.Instance instance, int n) throws Exception {
        Storage storage = node.node.context().storage();
        String study = instance.study().studyInstanceUid();
        List<InstanceRecord> rows = storage.metadata().instancesOf(study, null).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(rows).extracting(InstanceRecord::sopInstanceUid).containsExactly(instance.sopInstanceUid());
        InstanceRecord row = rows.get(0);
        ObjectInfo info = storage.objects().stat(row.objectKey()).orElseThrow();
        assertThat(info.size()).isEqualTo(row.size());
        assertThat(info.sha256()).isEqualTo(row.sha256());
        assertThat(storage.objects().list(null, 100).objects()).extracting(ObjectInfo::key).containsExactly(row.objectKey());

        String path = "/dicom-web/studies/" + study + "/series/" + instance.series().seriesInstanceUid()
                + "/instances/" + instance.sopInstanceUid();
        List<DicomWebClient.Part> parts = DicomWebClient.parts(node.get(path, null));
        assertThat(parts).hasSize(1);
        assertThat(Sha256.of(parts.get(0).body())).as("WADO-RS gives the object of the index row").isEqualTo(row.sha256());
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(parts.get(0).body()))) {
            assertThat(in.readDataset().getString(Tag.ImageComments)).isEqualTo("copy " + n);
        }
        JsonArray qido = DicomWebClient.jsonArray(node.get("/dicom-web/instances?SOPInstanceUID="
                + instance.sopInstanceUid() + "&includefield=ImageComments", "application/dicom+json"));
        assertThat(qido).hasSize(1);
        assertThat(qido.getJsonObject(0).getJsonObject("00204000").getJsonArray("Value").getString(0))
                .as("the index's attributes").isEqualTo("copy " + n);
    }

    /** The reason (US) in the first item of the response's sequence {@code seq}. */
    private static int reason(JsonObject body, String seq, String tag) {
        return body.getJsonObject(seq).getJsonArray("Value").getJsonObject(0).getJsonObject(tag).getJsonArray("Value")
                .getInteger(0);
    }
}
