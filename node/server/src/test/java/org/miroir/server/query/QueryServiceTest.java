package org.miroir.server.query;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.dicom.testing.SyntheticStudies;
import org.miroir.server.metrics.NodeMetrics;
import org.miroir.server.storage.Storage;
import org.miroir.server.store.Ingest;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.query.QueryLevel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The query model over the real embedded store, checked against the generator's own list. */
class QueryServiceTest {
    @TempDir
    static Path dir;
    static Storage storage;
    static QueryService service;
    static SyntheticStudies gen;
    static String codedStudyUid;

    @BeforeAll
    static void store() throws IOException {
        storage = Storage.open(new JsonObject(), dir);
        Ingest ingest = new Ingest(storage.metadata(), storage.objects(), () -> DuplicatePolicy.IGNORE, () -> true, new NodeMetrics(), 30_000);
        gen = SyntheticStudies.builder().seed(42).patients(3).studiesPerPatient(2).seriesPerStudy(2)
                .instancesPerSeries(2).rows(4).columns(4).modalities("CT", "MR").build();
        codedStudyUid = gen.studies().get(0).studyInstanceUid();
        for (SyntheticStudies.Instance i : gen.instances()) {
            Attributes ds = gen.dataset(i);
            if (i.study().studyInstanceUid().equals(codedStudyUid)) { // study attributes come from the latest instance
                Attributes code = ds.newSequence(Tag.ProcedureCodeSequence, 1).addNewItem();
                code.setString(Tag.CodeValue, VR.SH, "RPID42");
                code.setString(Tag.CodingSchemeDesignator, VR.SH, "RADLEX");
                code.setString(Tag.CodeMeaning, VR.LO, "CT CHEST");
            }
            store(ingest, ds);
        }
    }

    private static void store(Ingest ingest, Attributes ds) throws IOException {
        String ts = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes, ts);
        out.writeDataset(ds);
        out.finish();
        Ingest.Result r = ingest.storeDataset(new ByteArrayInputStream(bytes.toByteArray()), ts,
                ds.getString(Tag.SOPClassUID), ds.getString(Tag.SOPInstanceUID), "TEST");
        assertThat(r.status().code()).as(r.status().toString()).isZero();
    }

    @AfterAll
    static void close() {
        if (storage != null) storage.close();
    }

    private static List<Attributes> find(QueryLevel level, Attributes keys) {
        return find(level, keys, QueryOptions.of(false, 1000));
    }

    private static List<Attributes> find(QueryLevel level, Attributes keys, QueryOptions options) {
        List<Attributes> out = new ArrayList<>();
        service().find(level, keys, options, a -> {
            out.add(a);
            return CompletableFuture.completedFuture(null);
        }, () -> false).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        return out;
    }

    private static QueryService service() {
        if (service == null) service = new QueryService(storage.metadata(), () -> false);
        return service;
    }

    private static Set<String> values(List<Attributes> rsp, int tag) {
        return rsp.stream().map(a -> a.getString(tag)).collect(Collectors.toSet());
    }

    private static Attributes keys(Object... tagVrValue) {
        Attributes a = new Attributes();
        for (int i = 0; i < tagVrValue.length; i += 3)
            a.setString((Integer) tagVrValue[i], (VR) tagVrValue[i + 1], (String) tagVrValue[i + 2]);
        return a;
    }

    @Test
    void studiesOfAPatientWithComputedKeys() {
        SyntheticStudies.Patient p = gen.patients().get(1);
        List<Attributes> rsp = find(QueryLevel.STUDY, keys(Tag.PatientID, VR.LO, p.patientId(),
                Tag.PatientName, VR.PN, "", Tag.NumberOfStudyRelatedSeries, VR.IS, "",
                Tag.NumberOfStudyRelatedInstances, VR.IS, "", Tag.ModalitiesInStudy, VR.CS, "",
                Tag.NumberOfPatientRelatedStudies, VR.IS, ""));
        Set<String> expected = gen.studies().stream().filter(s -> s.patient() == p)
                .map(SyntheticStudies.Study::studyInstanceUid).collect(Collectors.toSet());
        assertThat(values(rsp, Tag.StudyInstanceUID)).isEqualTo(expected);
        for (Attributes a : rsp) {
            assertThat(a.getString(Tag.PatientName)).isEqualTo(p.patientName());
            assertThat(a.getString(Tag.SpecificCharacterSet)).isEqualTo("ISO_IR 100");
            assertThat(a.getString(Tag.NumberOfStudyRelatedSeries)).isEqualTo("2");
            assertThat(a.getString(Tag.NumberOfStudyRelatedInstances)).isEqualTo("4");
            assertThat(a.getStrings(Tag.ModalitiesInStudy)).containsExactlyInAnyOrder("CT", "MR");
            assertThat(a.getString(Tag.NumberOfPatientRelatedStudies)).isEqualTo("2");
        }
    }

    @Test
    void wildcardNamesOptionallyIgnoringCase() {
        SyntheticStudies.Patient p = gen.patients().get(0);
        String family = p.patientName().substring(0, p.patientName().indexOf('^'));
        String lowerPattern = family.toLowerCase(java.util.Locale.ROOT) + "*";
        Set<String> expected = gen.patients().stream().filter(x -> x.patientName().startsWith(family + "^"))
                .map(SyntheticStudies.Patient::patientId).collect(Collectors.toSet());
        Attributes q = keys(Tag.PatientName, VR.PN, lowerPattern, Tag.PatientID, VR.LO, "");
        assertThat(find(QueryLevel.PATIENT, q)).isEmpty();
        List<Attributes> rsp = find(QueryLevel.PATIENT, q, QueryOptions.of(true, 1000));
        assertThat(values(rsp, Tag.PatientID)).isEqualTo(expected);
    }

    @Test
    void dateRangeAndUidList() {
        List<SyntheticStudies.Study> sorted = gen.studies().stream()
                .sorted(Comparator.comparing(SyntheticStudies.Study::studyDate)).toList();
        String lo = sorted.get(1).studyDate(), hi = sorted.get(4).studyDate();
        Set<String> expected = gen.studies().stream()
                .filter(s -> s.studyDate().compareTo(lo) >= 0 && s.studyDate().compareTo(hi) <= 0)
                .map(SyntheticStudies.Study::studyInstanceUid).collect(Collectors.toSet());
        assertThat(values(find(QueryLevel.STUDY, keys(Tag.StudyDate, VR.DA, lo + "-" + hi)), Tag.StudyInstanceUID))
                .isEqualTo(expected);
        String list = sorted.get(0).studyInstanceUid() + "\\" + sorted.get(5).studyInstanceUid();
        assertThat(values(find(QueryLevel.STUDY, keys(Tag.StudyInstanceUID, VR.UI, list)), Tag.StudyInstanceUID))
                .containsExactlyInAnyOrder(sorted.get(0).studyInstanceUid(), sorted.get(5).studyInstanceUid());
    }

    @Test
    void seriesWithStudyAttributesAndNonIndexedMatching() {
        SyntheticStudies.Study st = gen.studies().get(2);
        List<Attributes> rsp = find(QueryLevel.SERIES, keys(Tag.StudyInstanceUID, VR.UI, st.studyInstanceUid(),
                Tag.Manufacturer, VR.LO, "MIROIR*", Tag.PatientName, VR.PN, "", Tag.Modality, VR.CS, "",
                Tag.NumberOfSeriesRelatedInstances, VR.IS, "", Tag.StudyDescription, VR.LO, ""));
        assertThat(values(rsp, Tag.SeriesInstanceUID)).isEqualTo(gen.series().stream().filter(s -> s.study() == st)
                .map(SyntheticStudies.Series::seriesInstanceUid).collect(Collectors.toSet()));
        for (Attributes a : rsp) {
            assertThat(a.getString(Tag.PatientName)).isEqualTo(st.patient().patientName());
            assertThat(a.getString(Tag.StudyDescription)).isEqualTo(st.description());
            assertThat(a.getString(Tag.NumberOfSeriesRelatedInstances)).isEqualTo("2");
            assertThat(a.getString(Tag.StudyInstanceUID)).isEqualTo(st.studyInstanceUid());
        }
        assertThat(find(QueryLevel.SERIES, keys(Tag.StudyInstanceUID, VR.UI, st.studyInstanceUid(),
                Tag.Manufacturer, VR.LO, "OTHER*"))).isEmpty();
    }

    @Test
    void sequenceMatching() {
        Attributes q = keys(Tag.StudyInstanceUID, VR.UI, "");
        Attributes item = q.newSequence(Tag.ProcedureCodeSequence, 1).addNewItem();
        item.setString(Tag.CodeValue, VR.SH, "RPID42");
        item.setString(Tag.CodeMeaning, VR.LO, "");
        List<Attributes> rsp = find(QueryLevel.STUDY, q);
        assertThat(values(rsp, Tag.StudyInstanceUID)).containsExactly(codedStudyUid);
        Attributes returned = rsp.get(0).getNestedDataset(Tag.ProcedureCodeSequence);
        assertThat(returned.getString(Tag.CodeMeaning)).isEqualTo("CT CHEST");
        assertThat(returned.contains(Tag.CodingSchemeDesignator)).as("only requested item keys").isFalse();
        item.setString(Tag.CodeValue, VR.SH, "OTHER");
        assertThat(find(QueryLevel.STUDY, q)).isEmpty();
    }

    @Test
    void instancesWithoutAttributesAndWithIncludeAll() {
        SyntheticStudies.Series se = gen.series().get(3);
        Attributes q = keys(Tag.StudyInstanceUID, VR.UI, se.study().studyInstanceUid(),
                Tag.SeriesInstanceUID, VR.UI, se.seriesInstanceUid(), Tag.SOPInstanceUID, VR.UI, "",
                Tag.InstanceNumber, VR.IS, "2");
        List<Attributes> rsp = find(QueryLevel.INSTANCE, q);
        assertThat(values(rsp, Tag.SOPInstanceUID)).containsExactly(gen.instances().stream()
                .filter(i -> i.series() == se && i.instanceNumber() == 2).findFirst().orElseThrow().sopInstanceUid());
        List<Attributes> all = find(QueryLevel.INSTANCE, q, new QueryOptions(false, 0, 10, true, Set.of()));
        assertThat(all.get(0).getString(Tag.PatientName)).isEqualTo(se.study().patient().patientName());
        assertThat(all.get(0).contains(Tag.PixelData)).isFalse();
    }

    @Test
    void limitOffsetAndCancel() {
        Attributes q = keys(Tag.SOPInstanceUID, VR.UI, "");
        List<Attributes> all = find(QueryLevel.INSTANCE, q, QueryOptions.of(false, 1000));
        assertThat(all).hasSize(gen.instances().size());
        List<Attributes> page = find(QueryLevel.INSTANCE, q, new QueryOptions(false, 5, 7, false, Set.of()));
        assertThat(page).extracting(a -> a.getString(Tag.SOPInstanceUID))
                .containsExactlyElementsOf(all.subList(5, 12).stream().map(a -> a.getString(Tag.SOPInstanceUID)).toList());
        QueryResult truncated = service().find(QueryLevel.INSTANCE, q, QueryOptions.of(false, 3),
                a -> CompletableFuture.completedFuture(null), () -> false).toCompletableFuture().join();
        assertThat(truncated).isEqualTo(new QueryResult(3, true, false));
        int[] seen = {0};
        QueryResult cancelled = service().find(QueryLevel.INSTANCE, q, QueryOptions.of(false, 1000),
                a -> CompletableFuture.completedFuture(null).thenRun(() -> seen[0]++), () -> seen[0] >= 4)
                .toCompletableFuture().join();
        assertThat(cancelled).isEqualTo(new QueryResult(4, false, true));
    }

    @Test
    void invalidAndUnsupportedKeys() {
        assertThatThrownBy(() -> service().prepare(QueryLevel.STUDY, keys(Tag.StudyInstanceUID, VR.UI, "1.2.*"),
                QueryOptions.of(false, 10))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("StudyInstanceUID");
        assertThatThrownBy(() -> service().prepare(QueryLevel.STUDY, keys(Tag.SOPInstanceUID, VR.UI, "1.2.3"),
                QueryOptions.of(false, 10))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INSTANCE-level");
        assertThatThrownBy(() -> service().prepare(QueryLevel.STUDY, keys(Tag.StudyDate, VR.DA, "2020-2021-2022"),
                QueryOptions.of(false, 10))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("StudyDate");
        PreparedQuery pq = service().prepare(QueryLevel.SERIES, keys(Tag.PatientComments, VR.LT, "x",
                Tag.NumberOfSeriesRelatedInstances, VR.IS, "2"), QueryOptions.of(false, 10));
        assertThat(pq.unsupportedKeys()).containsExactly(Tag.PatientComments, Tag.NumberOfSeriesRelatedInstances);
    }
}
