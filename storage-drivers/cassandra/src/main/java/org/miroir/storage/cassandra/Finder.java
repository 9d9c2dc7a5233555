package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.MetadataRecord;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.DateTimes;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Matching;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;
import org.miroir.storage.query.QueryLevel;
import org.miroir.storage.query.ValueKind;

/**
 * Queries. Each picks a plan: a {@link Scan} over the table shaped for its most selective key, which yields
 * candidates in a stable order, and a check that loads each candidate and keeps it only if it satisfies every match
 * ({@link Matching}, the reference semantics) and the filter hook. Candidates are checked in parallel, a chunk at a
 * time; the page token is the scan position after the page's last record.
 *
 * <p>Plans, most selective first. Studies: by UID list; by accession ({@code study_by_accession}); by date
 * ({@code study_by_date}, month partitions listed by {@code study_date_bucket}); by patient (patients found by
 * issuer and ID, by ID or exact name through SAI, by a name wildcard's literal start in {@code patient_by_name}
 * ({@link NameIndex}), or by scanning the patient table when only other patient keys are given, then
 * {@code study_by_patient}); else every study. Series: by UID (SAI on {@code series.series_uid}), else
 * the series of the studies the study plan finds. Instances: by UID, else the members of the series or studies found.
 *
 * <p>Counts and Modalities in Study are computed on read (one {@code GROUP BY series_uid} count per study and the
 * study's series rows), and a study, series or patient without instances is not returned. Counters cannot join a
 * LOGGED BATCH with ordinary tables and are not idempotent under retries, which is why none are kept.
 */
final class Finder {
    private static final int CHECK_PARALLELISM = 32;
    private static final int FAN_OUT = 32;
    private static final int MAX_CHUNK = 256;
    private static final int SKIP_CHUNK = 1000;

    private final CqlSession session;
    private final Cql cql;
    private final int pageSize;

    Finder(CqlSession session, Cql cql, CassandraSettings cfg) {
        this.session = session;
        this.cql = cql;
        this.pageSize = cfg.pageSize();
    }

    /**
     * A plan: the scan, whether its candidates are exactly the matches (then an offset skips them unchecked), and
     * the check, which returns the record (with attributes when the query needs them) or {@code null}.
     */
    private record Plan<T>(Scan scan, String signature, boolean exact,
            Function<Scan.Cand, CompletionStage<T>> check) {}

    // ---------------------------------------------------------------- the paging loop

    private record Progress<T>(List<Scan.Frame> at, int skip, List<T> items, List<Scan.Frame> lastAfter,
            String token, boolean done) {}

    private <T extends MetadataRecord> CompletionStage<Page<T>> run(char level, Query q, Plan<T> plan) {
        Scan scan = plan.scan();
        int signature = (level + plan.signature() + q.matches() + q.caseInsensitiveNames() + (q.filter() != null))
                .hashCode();
        List<Scan.Frame> at = q.pageToken() == null ? scan.start()
                : PageToken.decode(level, signature, scan.depth(), q.pageToken());
        int skip = q.pageToken() == null ? q.offset() : 0;
        boolean exactSkip = plan.exact() && q.filter() == null;
        Progress<T> p0 = new Progress<>(at, skip, new ArrayList<>(), null, null, false);
        return Async.loop(p0, p -> p.done, p -> {
            if (exactSkip && p.skip > 0) {
                return scan.read(p.at, Math.min(p.skip, SKIP_CHUNK)).thenApply(c -> {
                    List<Scan.Cand> cs = c.cands();
                    List<Scan.Frame> next = cs.isEmpty() ? p.at : cs.get(cs.size() - 1).after();
                    boolean end = c.exhausted() || cs.isEmpty();
                    return new Progress<>(next, p.skip - cs.size(), p.items, p.lastAfter, null, end);
                });
            }
            int want = Math.max(16, Math.min(MAX_CHUNK, p.skip + q.limit() + 1 - p.items.size()));
            return scan.read(p.at, want).thenCompose(c -> Async.map(c.cands(), CHECK_PARALLELISM, cand ->
                    plan.check().apply(cand).thenApply(r -> r != null && (q.filter() == null || q.filter().test(r))
                            ? r : null)).thenApply(checked -> {
                                List<Scan.Cand> cs = c.cands();
                                int left = p.skip;
                                List<Scan.Frame> lastAfter = p.lastAfter;
                                for (int i = 0; i < cs.size(); i++) {
                                    T r = checked.get(i);
                                    if (r == null) continue;
                                    if (left > 0) {
                                        left--;
                                        continue;
                                    }
                                    if (p.items.size() == q.limit())
                                        return new Progress<>(p.at, 0, p.items, lastAfter,
                                                PageToken.encode(level, signature, lastAfter), true);
                                    p.items.add(r);
                                    lastAfter = cs.get(i).after();
                                }
                                List<Scan.Frame> next = cs.isEmpty() ? p.at : cs.get(cs.size() - 1).after();
                                return new Progress<>(next, left, p.items, lastAfter, null,
                                        c.exhausted() || cs.isEmpty());
                            }));
        }).thenApply(p -> new Page<>(p.items.stream().map(r -> withoutAttributes(r, q)).toList(), p.token));
    }

    @SuppressWarnings("unchecked")
    private static <T extends MetadataRecord> T withoutAttributes(T r, Query q) {
        if (q.includeAttributes()) return r;
        if (r instanceof PatientRecord p) return (T) p.withAttributes(null);
        if (r instanceof StudyRecord s) return (T) new StudyRecord(s.patient().withAttributes(null),
                s.studyInstanceUid(), s.studyDate(), s.studyTime(), s.accessionNumber(), s.referringPhysicianName(),
                s.studyDescription(), s.studyId(), s.modalitiesInStudy(), s.numberOfSeries(), s.numberOfInstances(),
                null);
        if (r instanceof SeriesRecord s) return (T) new SeriesRecord(s.studyInstanceUid(), s.seriesInstanceUid(),
                s.modality(), s.seriesNumber(), s.seriesDescription(), s.bodyPartExamined(),
                s.performedProcedureStepStartDate(), s.performedProcedureStepStartTime(), s.numberOfInstances(), null);
        return (T) ((InstanceRecord) r).withAttributes(null);
    }

    // ---------------------------------------------------------------- levels

    CompletionStage<Page<PatientRecord>> patients(Query q) {
        q.requireLevel(QueryLevel.PATIENT);
        Loads loads = new Loads();
        PatientPlan pp = patientScan(q);
        return run('P', q, new Plan<>(pp.scan, pp.signature, false, cand -> {
            PatientRecord p = Rows.patient(cand.row());
            if (!Matching.test(q, p)) return CompletableFuture.completedFuture(null);
            return loads.patientHasStudies(p).thenApply(has -> has ? p : null);
        }));
    }

    CompletionStage<Page<StudyRecord>> studies(Query q) {
        q.requireLevel(QueryLevel.STUDY);
        Loads loads = new Loads();
        StudyPlan sp = studyScan(q, loads);
        return run('S', q, new Plan<>(sp.scan, sp.signature, sp.exact, cand -> loads.study(studyUid(cand), true)
                .thenApply(s -> s != null && Matching.test(q, s) ? s : null)));
    }

    CompletionStage<Page<SeriesRecord>> series(Query q) {
        q.requireLevel(QueryLevel.SERIES);
        Loads loads = new Loads();
        boolean checkStudy = hasParentKeys(q, QueryLevel.STUDY);
        Scan scan;
        String signature;
        Match seriesUid = q.match(QueryKey.SERIES_INSTANCE_UID);
        Match studyUid = q.match(QueryKey.STUDY_INSTANCE_UID);
        if (values(seriesUid) != null && studyUid instanceof Match.Single st) {
            scan = Scan.keys(values(seriesUid).stream().map(se -> List.of(st.value(), se)).toList());
            signature = "keys";
        } else if (values(seriesUid) != null) {
            scan = Scan.nested(Scan.keys(values(seriesUid)), 1, FAN_OUT, c -> CompletableFuture.completedFuture(
                    Scan.cql(session, Cql.read(cql.seriesByUid, (String) c.key()), pageSize)));
            signature = "uid";
        } else {
            StudyPlan sp = studyScan(q, loads);
            scan = Scan.nested(sp.scan, 1, FAN_OUT, c -> {
                String study = studyUid(c);
                return studyOk(q, loads, study, checkStudy).thenApply(ok -> ok
                        ? Scan.cql(session, Cql.read(cql.seriesOfStudy, study), pageSize) : null);
            });
            signature = "study/" + sp.signature;
        }
        return run('R', q, new Plan<>(scan, signature, false, cand -> {
            CompletionStage<SeriesRecord> s;
            if (cand.row() != null) {
                s = loads.series(cand.row());
            } else {
                List<?> k = (List<?>) cand.key();
                s = loads.series((String) k.get(0), (String) k.get(1));
            }
            return s.thenCompose(r -> r == null || !Matching.test(q, r) ? CompletableFuture.completedFuture(null)
                    : studyOk(q, loads, r.studyInstanceUid(), checkStudy).thenApply(ok -> ok ? r : null));
        }));
    }

    CompletionStage<Page<InstanceRecord>> instances(Query q) {
        q.requireLevel(QueryLevel.INSTANCE);
        Loads loads = new Loads();
        boolean checkStudy = hasParentKeys(q, QueryLevel.STUDY);
        boolean checkSeries = hasKeysAt(q, QueryLevel.SERIES, QueryKey.SERIES_INSTANCE_UID);
        boolean attrs = q.includeAttributes() || q.filter() != null;
        Scan scan;
        String signature;
        Match sopUid = q.match(QueryKey.SOP_INSTANCE_UID);
        Match seriesUid = q.match(QueryKey.SERIES_INSTANCE_UID);
        if (values(sopUid) != null) {
            scan = Scan.keys(values(sopUid));
            signature = "keys";
        } else if (values(seriesUid) != null) {
            Scan seriesScan = Scan.nested(Scan.keys(values(seriesUid)), 1, FAN_OUT,
                    c -> CompletableFuture.completedFuture(Scan.cql(session, Cql.read(cql.seriesByUid,
                            (String) c.key()), pageSize)));
            scan = Scan.nested(seriesScan, 1, FAN_OUT, c -> CompletableFuture.completedFuture(Scan.cql(session,
                    Cql.read(cql.membersOfSeries, c.row().getString("study_uid"), c.row().getString("series_uid")),
                    pageSize)));
            signature = "series";
        } else {
            StudyPlan sp = studyScan(q, loads);
            scan = Scan.nested(sp.scan, 1, FAN_OUT, c -> {
                String study = studyUid(c);
                return studyOk(q, loads, study, checkStudy).thenApply(ok -> ok
                        ? Scan.cql(session, Cql.read(cql.membersOfStudy, study), pageSize) : null);
            });
            signature = "study/" + sp.signature;
        }
        return run('I', q, new Plan<>(scan, signature, false, cand -> {
            CompletionStage<InstanceRecord> found = cand.row() != null
                    ? CompletableFuture.completedFuture(Rows.instance(cand.row()))
                    : loads.instance((String) cand.key());
            return found.thenCompose(r -> {
                if (r == null || !Matching.test(q, r)) return CompletableFuture.completedFuture(null);
                CompletionStage<Boolean> ok = checkSeries
                        ? loads.series(r.studyInstanceUid(), r.seriesInstanceUid()).thenApply(s -> s != null
                                && Matching.test(q, s)) : CompletableFuture.completedFuture(true);
                return ok.thenCompose(o -> o ? studyOk(q, loads, r.studyInstanceUid(), checkStudy)
                        : CompletableFuture.completedFuture(false)).thenCompose(o -> {
                            if (!o) return CompletableFuture.completedFuture(null);
                            return attrs ? loads.attributes(r) : CompletableFuture.completedFuture(r);
                        });
            });
        }));
    }

    // ---------------------------------------------------------------- plans

    private record PatientPlan(Scan scan, String signature, boolean byKey) {}

    private PatientPlan patientScan(Query q) {
        Match issuer = q.match(QueryKey.ISSUER_OF_PATIENT_ID), pid = q.match(QueryKey.PATIENT_ID);
        Match name = q.match(QueryKey.PATIENT_NAME);
        if (issuer instanceof Match.Single i && pid instanceof Match.Single p)
            return new PatientPlan(scan(cql.patientByKey, i.value(), p.value()), "key", true);
        if (pid instanceof Match.Single p) return new PatientPlan(scan(cql.patientsByPid, p.value()), "pid", false);
        if (name instanceof Match.Single n)
            return new PatientPlan(scan(cql.patientsByName, Matching.fold(n.value())), "name", false);
        NameIndex.Slice slice = name instanceof Match.Wildcard w ? NameIndex.slice(Matching.fold(w.pattern())) : null;
        if (slice != null) {
            Scan names = scan(cql.namesInSlice, slice.prefix(), slice.lower(), slice.upper());
            return new PatientPlan(Scan.nested(names, 1, FAN_OUT, c -> CompletableFuture.completedFuture(
                    scan(cql.patientByKey, c.row().getString("issuer"), c.row().getString("patient_id")))),
                    "name-prefix", false);
        }
        if (issuer instanceof Match.Single i)
            return new PatientPlan(scan(cql.patientsByIssuer, i.value()), "issuer", false);
        return new PatientPlan(scan(cql.patientsAll), "all", false);
    }

    private record StudyPlan(Scan scan, String signature, boolean exact) {}

    /** Candidate studies (their UIDs) for the patient and study keys of {@code q}. */
    private StudyPlan studyScan(Query q, Loads loads) {
        Set<QueryKey> keys = q.matches().keySet();
        boolean bare = q.filter() == null;
        List<String> uids = values(q.match(QueryKey.STUDY_INSTANCE_UID));
        if (uids != null) return new StudyPlan(Scan.keys(uids), "uids", false);
        if (q.match(QueryKey.ACCESSION_NUMBER) instanceof Match.Single a)
            return new StudyPlan(scan(cql.studiesByAccession, a.value()), "accession", false);
        int[] range = dateRange(q.match(QueryKey.STUDY_DATE));
        if (range != null) {
            Scan buckets = scan(cql.bucketsInRange, range[0] / 100, range[1] / 100);
            Scan studies = Scan.nested(buckets, 1, 4, c -> CompletableFuture.completedFuture(
                    scan(cql.studiesByDate, c.row().getInt("bucket"), range[0], range[1])));
            return new StudyPlan(studies, "date", bare && keys.equals(Set.of(QueryKey.STUDY_DATE)));
        }
        if (keys.stream().anyMatch(k -> k.level() == QueryLevel.PATIENT)) {
            PatientPlan pp = patientScan(q);
            Scan studies = Scan.nested(pp.scan, 1, FAN_OUT, c -> {
                PatientRecord p = Rows.patient(c.row());
                if (!Matching.test(q, p)) return CompletableFuture.completedFuture(null);
                loads.remember(p);
                return CompletableFuture.completedFuture(scan(cql.studiesOfPatient, Rows.key(p.issuerOfPatientId()),
                        Rows.key(p.patientId())));
            });
            boolean exact = bare && pp.byKey
                    && Set.of(QueryKey.ISSUER_OF_PATIENT_ID, QueryKey.PATIENT_ID).containsAll(keys);
            return new StudyPlan(studies, "patient/" + pp.signature, exact);
        }
        return new StudyPlan(scan(cql.studiesAll), "all", false);
    }

    /** A single date or a range with a bound, as [first, last] YYYYMMDD; {@code null} otherwise. */
    private static int[] dateRange(Match m) {
        String lo, hi;
        if (m instanceof Match.Single s) {
            lo = DateTimes.lowerBound(ValueKind.DATE, s.value());
            hi = DateTimes.upperBound(ValueKind.DATE, s.value());
        } else if (m instanceof Match.Range r) {
            lo = r.lower() == null ? "00000101" : DateTimes.lowerBound(ValueKind.DATE, r.lower());
            hi = r.upper() == null ? "99991231" : DateTimes.upperBound(ValueKind.DATE, r.upper());
        } else {
            return null;
        }
        if (lo == null || hi == null) return null;
        return new int[] {Integer.parseInt(lo), Integer.parseInt(hi)};
    }

    private Scan scan(PreparedStatement p, Object... values) {
        return Scan.cql(session, Cql.read(p, values), pageSize);
    }

    private static String studyUid(Scan.Cand c) {
        return c.row() != null ? c.row().getString("study_uid") : (String) c.key();
    }

    /** The values of a UID match that names UIDs (single or list), else {@code null}. */
    private static List<String> values(Match m) {
        if (m instanceof Match.Single s) return List.of(s.value());
        if (m instanceof Match.AnyOf a) return List.copyOf(new TreeSet<>(a.values()));
        return null;
    }

    /** Whether {@code q} has patient or study keys that a series or instance record cannot answer itself. */
    private static boolean hasParentKeys(Query q, QueryLevel upTo) {
        return q.matches().keySet().stream()
                .anyMatch(k -> k.level().ordinal() <= upTo.ordinal() && k != QueryKey.STUDY_INSTANCE_UID);
    }

    private static boolean hasKeysAt(Query q, QueryLevel level, QueryKey except) {
        return q.matches().keySet().stream().anyMatch(k -> k.level() == level && k != except);
    }

    private CompletionStage<Boolean> studyOk(Query q, Loads loads, String study, boolean check) {
        if (!check) return CompletableFuture.completedFuture(true);
        boolean counts = q.matches().containsKey(QueryKey.MODALITIES_IN_STUDY);
        return loads.study(study, counts).thenApply(s -> s != null && Matching.test(q, s));
    }

    // ---------------------------------------------------------------- loading candidates

    /** The loads of one query, cached: candidates share patients, studies and series. */
    private final class Loads {
        private final Map<List<String>, CompletableFuture<PatientRecord>> patients = new ConcurrentHashMap<>();
        private final Map<String, CompletableFuture<StudyRecord>> studies = new ConcurrentHashMap<>();
        private final Map<String, CompletableFuture<StudyRecord>> studyRows = new ConcurrentHashMap<>();
        private final Map<List<String>, CompletableFuture<SeriesRecord>> series = new ConcurrentHashMap<>();

        void remember(PatientRecord p) {
            patients.putIfAbsent(List.of(Rows.key(p.issuerOfPatientId()), Rows.key(p.patientId())),
                    CompletableFuture.completedFuture(p));
        }

        CompletionStage<Boolean> patientHasStudies(PatientRecord p) {
            return session.executeAsync(Cql.read(cql.patientHasStudy, Rows.key(p.issuerOfPatientId()),
                    Rows.key(p.patientId()))).thenApply(rs -> rs.one() != null);
        }

        CompletionStage<PatientRecord> patient(String issuer, String pid) {
            return patients.computeIfAbsent(List.of(issuer, pid), k -> session.executeAsync(
                    Cql.read(cql.patientByKey, issuer, pid)).thenApply(rs -> {
                        Row r = rs.one();
                        return r == null ? Rows.patientKey(issuer, pid) : Rows.patient(r);
                    }).toCompletableFuture());
        }

        /**
         * The study with its patient; {@code null} if it has no instances. Without {@code counts}, its computed
         * fields are left empty (enough to check patient and study keys other than Modalities in Study).
         */
        CompletionStage<StudyRecord> study(String uid, boolean counts) {
            Map<String, CompletableFuture<StudyRecord>> cache = counts ? studies : studyRows;
            return cache.computeIfAbsent(uid, k -> (counts ? loadStudy(uid) : loadStudyRow(uid)).toCompletableFuture());
        }

        private CompletionStage<StudyRecord> loadStudyRow(String uid) {
            return session.executeAsync(Cql.read(cql.studyRow, uid)).thenCompose(rs -> {
                Row r = rs.one();
                if (r == null) return CompletableFuture.completedFuture(null);
                return patient(r.getString("issuer"), r.getString("patient_id"))
                        .thenApply(p -> Rows.study(r, p, List.of(), 0, 0));
            });
        }

        private CompletionStage<StudyRecord> loadStudy(String uid) {
            CompletableFuture<StudyRecord> row = loadStudyRow(uid).toCompletableFuture();
            CompletableFuture<Map<String, Long>> counts = session.executeAsync(Cql.read(cql.memberCounts, uid))
                    .thenApply(rs -> {
                        Map<String, Long> m = new HashMap<>();
                        for (Row r : rs.currentPage()) m.put(r.getString("series_uid"), r.getLong("n"));
                        return m;
                    }).toCompletableFuture();
            CompletableFuture<Map<String, String>> modalities = session.executeAsync(
                    Cql.read(cql.seriesOfStudy, uid).setPageSize(10_000)).thenApply(rs -> {
                        Map<String, String> m = new HashMap<>();
                        for (Row r : rs.currentPage()) m.put(r.getString("series_uid"), r.getString("modality"));
                        return m;
                    }).toCompletableFuture();
            return CompletableFuture.allOf(row, counts, modalities).thenApply(v -> {
                StudyRecord s = row.join();
                Map<String, Long> n = counts.join();
                if (s == null || n.isEmpty()) return null;
                TreeSet<String> mods = new TreeSet<>();
                long instances = 0;
                for (Map.Entry<String, Long> e : n.entrySet()) {
                    instances += e.getValue();
                    String m = modalities.join().get(e.getKey());
                    if (m != null) mods.add(m);
                }
                return new StudyRecord(s.patient(), s.studyInstanceUid(), s.studyDate(), s.studyTime(),
                        s.accessionNumber(), s.referringPhysicianName(), s.studyDescription(), s.studyId(),
                        List.copyOf(mods), n.size(), (int) instances, s.attributes());
            });
        }

        CompletionStage<SeriesRecord> series(String study, String uid) {
            return series.computeIfAbsent(List.of(study, uid), k -> session.executeAsync(Cql.read(cql.seriesRow, study,
                    uid)).thenCompose(rs -> {
                        Row r = rs.one();
                        return r == null ? CompletableFuture.<SeriesRecord>completedFuture(null) : counted(r);
                    }).toCompletableFuture());
        }

        CompletionStage<SeriesRecord> series(Row r) {
            return series.computeIfAbsent(List.of(r.getString("study_uid"), r.getString("series_uid")),
                    k -> counted(r).toCompletableFuture());
        }

        private CompletionStage<SeriesRecord> counted(Row r) {
            return session.executeAsync(Cql.read(cql.memberCountOfSeries, r.getString("study_uid"),
                    r.getString("series_uid"))).thenApply(rs -> {
                        Row c = rs.one();
                        long n = c == null ? 0 : c.getLong("n");
                        return n == 0 ? null : Rows.series(r, (int) n);
                    });
        }

        /** An instance by SOP Instance UID, if indexed (its membership row is the proof). */
        CompletionStage<InstanceRecord> instance(String sop) {
            return session.executeAsync(Cql.read(cql.instanceRow, sop)).thenCompose(rs -> {
                Row r = rs.one();
                if (r == null) return CompletableFuture.completedFuture(null);
                return session.executeAsync(Cql.read(cql.memberRow, r.getString("study_uid"),
                        r.getString("series_uid"), sop)).thenApply(m -> {
                            Row member = m.one();
                            return member == null ? null : Rows.instance(member);
                        });
            });
        }

        CompletionStage<InstanceRecord> attributes(InstanceRecord r) {
            return session.executeAsync(Cql.read(cql.instanceRow, r.sopInstanceUid())).thenApply(rs -> {
                Row row = rs.one();
                return row == null || !r.objectKey().equals(row.getString("object_key")) ? r
                        : r.withAttributes(Rows.attributes(row));
            });
        }
    }
}
