package org.miroir.server.e2e;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.AssociationOptions;
import org.miroir.dicom.net.AssociationRequest;
import org.miroir.dicom.net.DataSource;
import org.miroir.dicom.net.DicomClient;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.testing.Dcmtk;
import org.miroir.dicom.testing.SyntheticStudies;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step 2 "done when" 4, DIMSE half, against a node started by {@code ops/miroir run}: a C-STORE whose data set's SOP
 * Class disagrees with the presentation context gets 0xA900, a truncated data set a failure with nothing stored,
 * C-FINDs with a missing or invalid level or a broken key get a failure status; the node answers C-ECHO after each.
 * Requests are crafted with Miroir's own SCU, which lets a test send what dcmtk refuses to.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DimseBadInputTest {
    @TempDir
    static Path tmp;
    static ArchiveNode node;
    static Vertx vertx;
    static DicomClient client;
    static final SyntheticStudies gen = SyntheticStudies.builder().seed(7).patients(1).seriesPerStudy(1)
            .instancesPerSeries(3).rows(64).columns(64).build();

    @BeforeAll
    static void start() throws Exception {
        Dcmtk.assumeInstalled();
        node = ArchiveNode.start(tmp.resolve("data"), new JsonObject());
        vertx = Vertx.vertx();
        client = new DicomClient(vertx, new AssociationOptions());
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
        if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static Association connect(String cuid) throws Exception {
        AssociationRequest rq = new AssociationRequest("BADSCU", ArchiveNode.AE_TITLE);
        rq.addPresentationContext(cuid, UID.ExplicitVRLittleEndian);
        return client.connect("127.0.0.1", node.dicomPort, rq).await(10, TimeUnit.SECONDS);
    }

    private static byte[] encode(Attributes ds) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomOutputStream dos = new DicomOutputStream(out, UID.ExplicitVRLittleEndian);
        dos.writeDataset(ds);
        dos.finish();
        return out.toByteArray();
    }

    private static DimseResponse store(Attributes ds, byte[] bytes) throws Exception {
        Association as = connect(UID.CTImageStorage);
        try {
            return as.cstore(UID.CTImageStorage, ds.getString(Tag.SOPInstanceUID), UID.ExplicitVRLittleEndian,
                    DataSource.raw(Buffer.buffer(bytes), UID.ExplicitVRLittleEndian)).await(30, TimeUnit.SECONDS);
        } finally {
            as.release().await(10, TimeUnit.SECONDS);
        }
    }

    private static List<Attributes> findImage(SyntheticStudies.Instance i) throws IOException {
        return Scu.find(node.dicomPort, Scu.STUDY_ROOT, tmp, "QueryRetrieveLevel=IMAGE",
                "StudyInstanceUID=" + i.study().studyInstanceUid(), "SeriesInstanceUID=" + i.series().seriesInstanceUid(),
                "SOPInstanceUID=" + i.sopInstanceUid());
    }

    private static long objectFiles() throws IOException {
        Path objects = node.dataDir.resolve("objects");
        if (!Files.isDirectory(objects)) return 0;
        try (Stream<Path> s = Files.walk(objects)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void sopClassOtherThanThePresentationContextsIsRefused() throws Exception {
        SyntheticStudies.Instance inst = gen.instances().get(0);
        Attributes ds = gen.dataset(inst);
        ds.setString(Tag.SOPClassUID, VR.UI, UID.MRImageStorage); // sent on a CT Image Storage context
        long before = objectFiles();
        DimseResponse rsp = store(ds, encode(ds));
        assertThat(rsp.status()).as(rsp.toString()).isEqualTo(0xA900);
        assertThat(findImage(inst)).isEmpty();
        assertThat(objectFiles()).isEqualTo(before);
        Scu.echo(node.dicomPort);
    }

    @Test
    void dataSetCutInsideTheHeaderIsRefusedAndNothingStored() throws Exception {
        SyntheticStudies.Instance inst = gen.instances().get(1);
        Attributes header = new Attributes(gen.dataset(inst));
        header.remove(Tag.PixelData);
        // Ends in the middle of an element's value, before Pixel Data.
        assertTruncatedIsRefused(inst, encode(header).length - 7);
    }

    @Test
    void dataSetCutInsidePixelDataIsRefusedAndNothingStored() throws Exception {
        SyntheticStudies.Instance inst = gen.instances().get(2);
        assertTruncatedIsRefused(inst, encode(gen.dataset(inst)).length - 1001);
    }

    private void assertTruncatedIsRefused(SyntheticStudies.Instance inst, int keptBytes) throws Exception {
        Attributes ds = gen.dataset(inst);
        byte[] whole = encode(ds);
        byte[] cut = java.util.Arrays.copyOf(whole, keptBytes);
        long before = objectFiles();
        DimseResponse rsp = store(ds, cut);
        assertThat(rsp.category()).as(rsp.toString()).isEqualTo(org.miroir.dicom.net.dimse.Status.Category.FAILURE);
        assertThat(rsp.status() & 0xF000).as(rsp.toString()).isEqualTo(0xC000);
        assertThat(findImage(inst)).isEmpty();
        assertThat(objectFiles()).isEqualTo(before);
        Scu.echo(node.dicomPort);

        // The same instance whole is stored: the failure left nothing in its way.
        assertThat(store(ds, whole).status()).isZero();
        assertThat(findImage(inst)).hasSize(1);
    }

    @Test
    void findWithBadIdentifiersFails() throws Exception {
        Attributes noLevel = new Attributes();
        noLevel.setString(Tag.StudyInstanceUID, VR.UI, "");
        assertThat(find(UID.StudyRootQueryRetrieveInformationModelFind, noLevel).status()).isEqualTo(0xA900);
        Scu.echo(node.dicomPort);

        Attributes badLevel = new Attributes();
        badLevel.setString(Tag.QueryRetrieveLevel, VR.CS, "FOO");
        badLevel.setString(Tag.StudyInstanceUID, VR.UI, "");
        DimseResponse rsp = find(UID.StudyRootQueryRetrieveInformationModelFind, badLevel);
        assertThat(rsp.status()).isEqualTo(0xA900);
        assertThat(rsp.errorComment()).contains("FOO");
        Scu.echo(node.dicomPort);

        Attributes patientInStudyRoot = new Attributes();
        patientInStudyRoot.setString(Tag.QueryRetrieveLevel, VR.CS, "PATIENT");
        assertThat(find(UID.StudyRootQueryRetrieveInformationModelFind, patientInStudyRoot).status()).isEqualTo(0xA900);

        Attributes seriesWithoutStudy = new Attributes();
        seriesWithoutStudy.setString(Tag.QueryRetrieveLevel, VR.CS, "SERIES");
        seriesWithoutStudy.setString(Tag.SeriesInstanceUID, VR.UI, "");
        assertThat(find(UID.StudyRootQueryRetrieveInformationModelFind, seriesWithoutStudy).status()).isEqualTo(0xA900);

        Attributes badRange = new Attributes();
        badRange.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        badRange.setString(Tag.StudyDate, VR.DA, "2020-2021-2022");
        assertThat(find(UID.StudyRootQueryRetrieveInformationModelFind, badRange).status() & 0xF000).isEqualTo(0xC000);
        Scu.echo(node.dicomPort);

        // findscu itself: an invalid level is a failure it reports, and the node keeps serving.
        var r = Dcmtk.run("findscu", "-v", "-S", "-aec", ArchiveNode.AE_TITLE, "-k", "QueryRetrieveLevel=BOGUS",
                "-k", "StudyInstanceUID", "127.0.0.1", String.valueOf(node.dicomPort));
        assertThat(r.stdout()).contains("Final Find Response (Error: DataSetDoesNotMatchSOPClass)");
        Scu.echo(node.dicomPort);
    }

    private static DimseResponse find(String cuid, Attributes keys) throws Exception {
        Association as = connect(cuid);
        try {
            List<Attributes> matches = new ArrayList<>();
            DimseResponse rsp = as.cfind(cuid, keys, matches::add).response().await(30, TimeUnit.SECONDS);
            assertThat(matches).isEmpty();
            return rsp;
        } finally {
            as.release().await(10, TimeUnit.SECONDS);
        }
    }
}
