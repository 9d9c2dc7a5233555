package org.miroir.storage.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.MetadataRecord;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.Matching;
import org.miroir.storage.query.Query;

/**
 * A small, varied archive (names in several scripts and cases, characters that are special in SQL and GLOB, empty
 * values, dates across years, multi-modality studies) with an in-memory oracle built on {@link Matching}.
 */
final class Department {
    static final String SR_DOCUMENT = "1.2.840.10008.5.1.4.1.1.88.11";
    private static final String[][] PATIENTS = {
        {"P1", "Doe^John", "19700101", "M"},
        {"P2", "Doe^Jane", "19800202", "F"},
        {"P3", "SMITH^JOHN", "19551231", "M"},
        {"P4", "smith^jane", "19900615", "F"},
        {"P5", "Müller^Jörg", "19661111", "M"},
        {"P6", "Yamada^Tarou=山田^太郎=やまだ^たろう", "19750505", "M"},
        {"P7", null, null, "O"},
        {"P8", "Brackets^[A]", "20000101", "F"},
        {"P9", "Under_Score%^X", "20010101", "F"},
    };
    private static final String[] DATES = {"20190315", "20191231", "20200101", "20200229", "20200615", null,
        "20201231", "20210104", "20210707"};
    private static final String[] TIMES = {"083000", "1015", "12", "235959.5", null, "070000"};
    private static final String[] REFERRING = {"House^Gregory", "house^allison", "Wilson^James", null};
    private static final String[] DESCRIPTIONS = {"CT HEAD", "MR KNEE", "CHEST PA", "ct head w/o"};
    private static final String[] MODALITIES = {"CT", "MR", "SR", "CT"};
    private static final String[] SERIES_DESCRIPTIONS = {"AXIAL", "SAG T1", "REPORT"};
    private static final String[] BODY_PARTS = {"HEAD", "KNEE", "CHEST", null};

    final TestData data;
    final List<StoreRequest> requests = new ArrayList<>();

    Department(TestData data) {
        this.data = data;
        for (int k = 0; k < PATIENTS.length; k++) {
            String[] p = PATIENTS[k];
            PatientRecord patient = data.patient(p[0], p[1], p[2], p[3]);
            for (int j = 0; j <= k % 3; j++) {
                int d = (k * 3 + j) % DATES.length;
                StudyRecord study = data.study(patient, DATES[d], TIMES[(k + j) % TIMES.length],
                        "A" + data.token + "-" + k + j, REFERRING[(k + j) % REFERRING.length],
                        DESCRIPTIONS[(k + j) % DESCRIPTIONS.length], "S" + j);
                for (int m = 0; m <= (k + j) % 2; m++) {
                    String modality = MODALITIES[(k + j + m) % MODALITIES.length];
                    SeriesRecord series = data.series(study, modality, m + 1, SERIES_DESCRIPTIONS[m % 3],
                            BODY_PARTS[(k + m) % BODY_PARTS.length], DATES[d], TIMES[(k + j + m) % TIMES.length]);
                    String sopClass = switch (modality) {
                        case "CT" -> TestData.CT_IMAGE;
                        case "MR" -> TestData.MR_IMAGE;
                        default -> SR_DOCUMENT;
                    };
                    for (int i = 0; i <= m; i++)
                        requests.add(new StoreRequest(study, series, data.instance(series, sopClass, i + 1)));
                }
            }
        }
    }

    List<PatientRecord> patients() {
        Map<String, PatientRecord> m = new LinkedHashMap<>();
        for (StoreRequest r : requests) m.put(r.patient().patientId(), r.patient());
        return List.copyOf(m.values());
    }

    /** Studies with their computed modalities, as the store should report them. */
    List<StudyRecord> studies() {
        Map<String, List<StoreRequest>> byStudy = requests.stream().collect(
                Collectors.groupingBy(r -> r.study().studyInstanceUid(), LinkedHashMap::new, Collectors.toList()));
        List<StudyRecord> out = new ArrayList<>();
        byStudy.forEach((uid, rs) -> {
            StudyRecord s = rs.get(0).study();
            Set<String> modalities = new TreeSet<>();
            Set<String> series = new TreeSet<>();
            for (StoreRequest r : rs) {
                if (r.series().modality() != null) modalities.add(r.series().modality());
                series.add(r.series().seriesInstanceUid());
            }
            out.add(new StudyRecord(s.patient(), uid, s.studyDate(), s.studyTime(), s.accessionNumber(),
                    s.referringPhysicianName(), s.studyDescription(), s.studyId(), List.copyOf(modalities),
                    series.size(), rs.size(), s.attributes()));
        });
        return out;
    }

    StudyRecord study(String uid) {
        return studies().stream().filter(s -> s.studyInstanceUid().equals(uid)).findFirst().orElseThrow();
    }

    List<SeriesRecord> series() {
        Map<String, SeriesRecord> m = new LinkedHashMap<>();
        for (StoreRequest r : requests) m.put(r.series().seriesInstanceUid(), r.series());
        return List.copyOf(m.values());
    }

    SeriesRecord series(String uid) {
        return series().stream().filter(s -> s.seriesInstanceUid().equals(uid)).findFirst().orElseThrow();
    }

    Set<String> expectedPatients(Query q) {
        return patients().stream().filter(p -> accepts(q, p)).map(PatientRecord::patientId).collect(Collectors.toSet());
    }

    Set<String> expectedStudies(Query q) {
        return studies().stream().filter(s -> accepts(q, s)).map(StudyRecord::studyInstanceUid)
                .collect(Collectors.toSet());
    }

    Set<String> expectedSeries(Query q) {
        return series().stream().filter(s -> accepts(q, s) && Matching.test(q, study(s.studyInstanceUid())))
                .map(SeriesRecord::seriesInstanceUid).collect(Collectors.toSet());
    }

    Set<String> expectedInstances(Query q) {
        return requests.stream().map(StoreRequest::instance)
                .filter(i -> accepts(q, i) && Matching.test(q, series(i.seriesInstanceUid()))
                        && Matching.test(q, study(i.studyInstanceUid())))
                .map(InstanceRecord::sopInstanceUid).collect(Collectors.toSet());
    }

    private static boolean accepts(Query q, MetadataRecord r) {
        return Matching.test(q, r) && (q.filter() == null || q.filter().test(r));
    }
}
