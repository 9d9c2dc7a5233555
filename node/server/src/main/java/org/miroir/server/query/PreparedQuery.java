package org.miroir.server.query;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.server.store.HeaderCodec;
import org.miroir.server.store.LevelAttributes;
import org.miroir.storage.metadata.EncodedAttributes;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.MetadataRecord;
import org.miroir.storage.metadata.MetadataStore;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.Match;
import org.miroir.storage.query.Page;
import org.miroir.storage.query.Query;
import org.miroir.storage.query.QueryKey;
import org.miroir.storage.query.QueryLevel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A parsed query, ready to run: {@link #unsupportedKeys()} is known before the first match (C-FIND's 0xFF01).
 * {@link #run} pages through the store, turns each record into a response identifier and hands it to the caller one
 * at a time: the next is built only once the caller's stage for the previous one completed (backpressure).
 */
public final class PreparedQuery {
    /** Records per store round trip; instance records may carry whole headers, hence fewer. */
    private static final int PAGE = 200;
    private static final int INSTANCE_PAGE = 50;
    /** Parent records remembered per run, so a series-level query reads each study once, not once per series. */
    private static final int PARENT_CACHE = 256;
    /** Studies read to count a patient's series and instances: bounds what one response can cost. */
    private static final int PATIENT_STUDIES_COUNTED = 10_000;

    private static final Set<Integer> PATIENT_COUNTS = Set.of(Tag.NumberOfPatientRelatedStudies,
            Tag.NumberOfPatientRelatedSeries, Tag.NumberOfPatientRelatedInstances);
    private static final Set<Integer> STUDY_COMPUTED = Set.of(Tag.NumberOfStudyRelatedSeries,
            Tag.NumberOfStudyRelatedInstances, Tag.ModalitiesInStudy);
    /** Instance-level return keys that the instance record answers without its attributes. */
    private static final Set<Integer> INSTANCE_FIELDS = Set.of(Tag.StudyInstanceUID, Tag.SeriesInstanceUID,
            Tag.SOPInstanceUID, Tag.SOPClassUID, Tag.InstanceNumber, Tag.InstanceAvailability, Tag.RetrieveAETitle,
            Tag.SpecificCharacterSet, Tag.NumberOfSeriesRelatedInstances, Tag.NumberOfStudyRelatedSeries,
            Tag.NumberOfStudyRelatedInstances, Tag.ModalitiesInStudy, Tag.SOPClassesInStudy);

    private final MetadataStore metadata;
    private final Identifier id;
    private final QueryOptions options;
    private final Query query;
    private final boolean needsStudy, needsSeries, needsPatientCounts;

    PreparedQuery(MetadataStore metadata, QueryLevel level, Attributes identifier, QueryOptions options) {
        this.metadata = metadata;
        this.options = options;
        this.id = Identifier.parse(level, identifier, options);
        Set<Integer> keys = id.returnKeys.keySet();
        boolean below = level == QueryLevel.SERIES || level == QueryLevel.INSTANCE;
        this.needsPatientCounts = keys.stream().anyMatch(PATIENT_COUNTS::contains);
        this.needsSeries = level == QueryLevel.INSTANCE && keys.contains(Tag.NumberOfSeriesRelatedInstances);
        // Patient attributes come from the patient (the registry may have changed them since the instances came):
        // at the instance level too, though its header holds them.
        this.needsStudy = below && (needsPatientCounts || keys.stream().anyMatch(STUDY_COMPUTED::contains)
                || level == QueryLevel.SERIES && keys.stream().anyMatch(PreparedQuery::aboveSeries)
                || level == QueryLevel.INSTANCE && (id.includeAll || keys.stream().anyMatch(PreparedQuery::ofPatient)));
        boolean attributes = level != QueryLevel.INSTANCE || id.includeAll || !id.constraints.isEmpty()
                || !INSTANCE_FIELDS.containsAll(keys);
        Query.Builder b = Query.builder().caseInsensitiveNames(options.caseInsensitiveNames())
                .includeAttributes(attributes).offset(options.offset()).limit(pageSize(level, options.limit()));
        id.matches.forEach(b::match);
        if (!id.constraints.isEmpty()) b.filter(filter());
        this.query = b.build();
    }

    public QueryLevel level() { return id.level; }

    /** Keys given with a value that this level cannot match: they were ignored (C-FIND answers 0xFF01). */
    public List<Integer> unsupportedKeys() { return Collections.unmodifiableList(id.unsupported); }

    /** The storage query this identifier became (for logs and tests). */
    public Query query() { return query; }

    /**
     * Runs the query: each response goes to {@code onMatch}; a stage that fails with a
     * {@link CancellationException}, or {@code cancelled} turning true, stops it quietly.
     */
    public CompletionStage<QueryResult> run(Function<Attributes, CompletionStage<Void>> onMatch, BooleanSupplier cancelled) {
        return new Run(onMatch, cancelled).page(query);
    }

    private static int pageSize(QueryLevel level, int limit) {
        return Math.min(level == QueryLevel.INSTANCE ? INSTANCE_PAGE : PAGE, limit + 1);
    }

    /** Patient and study attributes asked of a series-level query: answered from the series' study. */
    private static boolean aboveSeries(int tag) {
        if (LevelAttributes.belongsTo(tag, QueryLevel.SERIES)) return false;
        return LevelAttributes.belongsTo(tag, QueryLevel.PATIENT) || LevelAttributes.belongsTo(tag, QueryLevel.STUDY);
    }

    private static boolean ofPatient(int tag) {
        return tag != Tag.SpecificCharacterSet && LevelAttributes.belongsTo(tag, QueryLevel.PATIENT);
    }

    private Predicate<MetadataRecord> filter() {
        List<AttributeConstraint> constraints = List.copyOf(id.constraints);
        boolean ci = options.caseInsensitiveNames();
        return r -> {
            List<Attributes> sources = sources(r);
            for (AttributeConstraint c : constraints) {
                Attributes holder = null;
                for (Attributes s : sources) if (s.contains(c.tag())) { holder = s; break; }
                if (!c.test(holder == null ? new Attributes(0) : holder, ci)) return false;
            }
            return true;
        };
    }

    /** The decoded attributes of a record, its own level's first (a study's: study, then patient). */
    private static List<Attributes> sources(MetadataRecord r) {
        List<Attributes> out = new ArrayList<>(2);
        if (r instanceof StudyRecord s) {
            add(out, s.attributes());
            add(out, s.patient().attributes());
        } else if (r instanceof PatientRecord p) {
            add(out, p.attributes());
        } else if (r instanceof SeriesRecord s) {
            add(out, s.attributes());
        } else if (r instanceof InstanceRecord i) {
            add(out, i.attributes());
        }
        return out;
    }

    private static void add(List<Attributes> out, EncodedAttributes e) {
        if (e != null) out.add(HeaderCodec.decode(e));
    }

    /** One execution: its counters and the parents it has looked up. */
    private final class Run {
        private final Function<Attributes, CompletionStage<Void>> onMatch;
        private final BooleanSupplier cancelled;
        private final Map<String, CompletionStage<StudyRecord>> studies = lru();
        private final Map<String, CompletionStage<SeriesRecord>> series = lru();
        private final Map<String, CompletionStage<int[]>> patientCounts = lru();
        private int delivered;
        private boolean stoppedByCaller;

        Run(Function<Attributes, CompletionStage<Void>> onMatch, BooleanSupplier cancelled) {
            this.onMatch = onMatch;
            this.cancelled = cancelled;
        }

        private CompletionStage<QueryResult> page(Query q) {
            if (stopped()) return done(false);
            return find(q).thenCompose(page -> deliver(page.items(), 0).thenCompose(v -> {
                if (stopped()) return done(false);
                boolean full = delivered >= options.limit();
                boolean leftInPage = full && deliveredFromPage < page.items().size();
                if (full) return done(leftInPage || page.hasMore());
                if (!page.hasMore()) return done(false);
                int room = options.limit() - delivered;
                Query next = new Query(q.matches(), q.caseInsensitiveNames(), q.filter(), q.includeAttributes(),
                        q.offset(), pageSize(id.level, room), page.nextPageToken());
                return page(next);
            }));
        }

        private int deliveredFromPage;

        private CompletionStage<Void> deliver(List<? extends MetadataRecord> items, int i) {
            if (i == 0) deliveredFromPage = 0;
            if (i >= items.size() || stopped() || delivered >= options.limit()) return CompletableFuture.completedFuture(null);
            return response(items.get(i))
                    .thenCompose(onMatch)
                    .handle((v, t) -> {
                        if (t == null) {
                            delivered++;
                            deliveredFromPage++;
                            return true;
                        }
                        if (unwrap(t) instanceof CancellationException) {
                            stoppedByCaller = true;
                            return false;
                        }
                        throw t instanceof CompletionException ce ? ce : new CompletionException(t);
                    })
                    .thenCompose(go -> go ? deliver(items, i + 1) : CompletableFuture.completedFuture(null));
        }

        private boolean stopped() {
            if (!stoppedByCaller && cancelled != null && cancelled.getAsBoolean()) stoppedByCaller = true;
            return stoppedByCaller;
        }

        private CompletionStage<QueryResult> done(boolean truncated) {
            return CompletableFuture.completedFuture(new QueryResult(delivered, truncated && !stoppedByCaller, stoppedByCaller));
        }

        private CompletionStage<? extends Page<? extends MetadataRecord>> find(Query q) {
            return switch (id.level) {
                case PATIENT -> metadata.findPatients(q);
                case STUDY -> metadata.findStudies(q);
                case SERIES -> metadata.findSeries(q);
                case INSTANCE -> metadata.findInstances(q);
            };
        }

        // ------------------------------------------------------------ responses

        private CompletionStage<Attributes> response(MetadataRecord r) {
            CompletionStage<StudyRecord> study = CompletableFuture.completedFuture(null);
            CompletionStage<SeriesRecord> ser = CompletableFuture.completedFuture(null);
            if (needsStudy) study = study(studyUid(r));
            if (needsSeries && r instanceof InstanceRecord i) ser = series(i.studyInstanceUid(), i.seriesInstanceUid());
            CompletionStage<SeriesRecord> seriesStage = ser;
            return study.thenCompose(st -> seriesStage.thenCompose(se -> {
                PatientRecord patient = r instanceof PatientRecord p ? p : r instanceof StudyRecord s ? s.patient()
                        : st == null ? null : st.patient();
                CompletionStage<int[]> counts = needsPatientCounts && patient != null ? patientCounts(patient)
                        : CompletableFuture.completedFuture(null);
                return counts.thenApply(c -> assemble(r, st, se, c));
            }));
        }

        private Attributes assemble(MetadataRecord r, StudyRecord study, SeriesRecord seriesRecord, int[] patientCounts) {
            List<Attributes> own = sources(r);
            List<Attributes> sources = new ArrayList<>(own);
            if (r instanceof InstanceRecord && study != null && study.patient().attributes() != null)
                sources.add(0, HeaderCodec.decode(study.patient().attributes()));
            if (study != null) sources.addAll(sources(study));
            Map<Integer, Identifier.ReturnKey> keys = new LinkedHashMap<>();
            if (id.includeAll) {
                for (Attributes s : own)
                    for (int tag : s.tags()) keys.putIfAbsent(tag, new Identifier.ReturnKey(tag, s.getVR(tag), null));
                for (int tag : computedOf(id.level)) keys.putIfAbsent(tag, new Identifier.ReturnKey(tag, Identifier.vrOf(tag), null));
            }
            keys.putAll(id.returnKeys);
            ResponseAssembler out = new ResponseAssembler();
            for (Identifier.ReturnKey k : keys.values()) {
                if (k.tag() == Tag.SpecificCharacterSet || k.tag() == Tag.QueryRetrieveLevel) continue;
                if (computed(out, k, r, study, seriesRecord, patientCounts)) continue;
                Attributes holder = null;
                for (Attributes s : sources) if (s.contains(k.tag())) { holder = s; break; }
                if (holder != null) {
                    out.copy(holder, k.tag(), k.item());
                    continue;
                }
                String field = field(r, k.tag());
                if (field != null) out.computed(k.tag(), k.vr(), field);
                else out.empty(k.tag(), k.vr());
            }
            return out.build();
        }

        /** Values the index computes; true when {@code k} was one of them. */
        private boolean computed(ResponseAssembler out, Identifier.ReturnKey k, MetadataRecord r, StudyRecord study,
                SeriesRecord seriesRecord, int[] patientCounts) {
            StudyRecord s = r instanceof StudyRecord own ? own : study;
            switch (k.tag()) {
                case Tag.NumberOfStudyRelatedSeries -> number(out, k, s == null ? null : s.numberOfSeries());
                case Tag.NumberOfStudyRelatedInstances -> number(out, k, s == null ? null : s.numberOfInstances());
                case Tag.ModalitiesInStudy -> {
                    if (s == null || s.modalitiesInStudy().isEmpty()) out.empty(k.tag(), VR.CS);
                    else out.computed(k.tag(), VR.CS, s.modalitiesInStudy().toArray(String[]::new));
                }
                case Tag.NumberOfSeriesRelatedInstances -> {
                    SeriesRecord se = r instanceof SeriesRecord own ? own : seriesRecord;
                    number(out, k, se == null ? null : se.numberOfInstances());
                }
                case Tag.NumberOfPatientRelatedStudies -> number(out, k, patientCounts == null ? null : patientCounts[0]);
                case Tag.NumberOfPatientRelatedSeries -> number(out, k, patientCounts == null ? null : patientCounts[1]);
                case Tag.NumberOfPatientRelatedInstances -> number(out, k, patientCounts == null ? null : patientCounts[2]);
                case Tag.InstanceAvailability -> out.computed(k.tag(), VR.CS, "ONLINE");
                case Tag.SOPClassesInStudy -> out.empty(k.tag(), VR.UI);
                default -> {
                    return false;
                }
            }
            return true;
        }

        private static void number(ResponseAssembler out, Identifier.ReturnKey k, Integer n) {
            if (n == null) out.empty(k.tag(), VR.IS);
            else out.computed(k.tag(), VR.IS, Integer.toString(n));
        }

        private CompletionStage<StudyRecord> study(String uid) {
            if (uid == null) return CompletableFuture.completedFuture(null);
            return studies.computeIfAbsent(uid, u -> metadata.findStudies(Query.builder()
                    .match(QueryKey.STUDY_INSTANCE_UID, new Match.Single(u)).includeAttributes(true).limit(1).build())
                    .thenApply(p -> p.items().isEmpty() ? null : p.items().get(0)));
        }

        private CompletionStage<SeriesRecord> series(String studyUid, String seriesUid) {
            return series.computeIfAbsent(seriesUid, u -> metadata.findSeries(Query.builder()
                    .match(QueryKey.STUDY_INSTANCE_UID, new Match.Single(studyUid))
                    .match(QueryKey.SERIES_INSTANCE_UID, new Match.Single(u)).limit(1).build())
                    .thenApply(p -> p.items().isEmpty() ? null : p.items().get(0)));
        }

        /** Studies, series and instances of a patient: {studies, series, instances}. */
        private CompletionStage<int[]> patientCounts(PatientRecord p) {
            String key = p.patientId() + "\\" + p.issuerOfPatientId();
            return patientCounts.computeIfAbsent(key, k -> {
                Query q = Query.builder()
                        .match(QueryKey.PATIENT_ID, p.patientId() == null ? Match.EMPTY : new Match.Single(p.patientId()))
                        .match(QueryKey.ISSUER_OF_PATIENT_ID,
                                p.issuerOfPatientId() == null ? Match.EMPTY : new Match.Single(p.issuerOfPatientId()))
                        .limit(1000).build();
                return countStudies(q, new int[3]);
            });
        }

        private CompletionStage<int[]> countStudies(Query q, int[] acc) {
            return metadata.findStudies(q).thenCompose(page -> {
                for (StudyRecord s : page.items()) {
                    acc[0]++;
                    acc[1] += s.numberOfSeries();
                    acc[2] += s.numberOfInstances();
                }
                if (!page.hasMore() || acc[0] >= PATIENT_STUDIES_COUNTED) return CompletableFuture.completedFuture(acc);
                return countStudies(q.nextPage(page.nextPageToken()), acc);
            });
        }
    }

    private static String studyUid(MetadataRecord r) {
        if (r instanceof SeriesRecord s) return s.studyInstanceUid();
        if (r instanceof InstanceRecord i) return i.studyInstanceUid();
        if (r instanceof StudyRecord s) return s.studyInstanceUid();
        return null;
    }

    private static Set<Integer> computedOf(QueryLevel level) {
        return switch (level) {
            case PATIENT, INSTANCE -> Set.of();
            case STUDY -> new LinkedHashSet<>(List.of(Tag.ModalitiesInStudy, Tag.NumberOfStudyRelatedSeries,
                    Tag.NumberOfStudyRelatedInstances));
            case SERIES -> Set.of(Tag.NumberOfSeriesRelatedInstances);
        };
    }

    /** A record's own fields, for return keys when the record came without attributes (plain ASCII values). */
    private static String field(MetadataRecord r, int tag) {
        if (r instanceof InstanceRecord i) {
            return switch (tag) {
                case Tag.StudyInstanceUID -> i.studyInstanceUid();
                case Tag.SeriesInstanceUID -> i.seriesInstanceUid();
                case Tag.SOPInstanceUID -> i.sopInstanceUid();
                case Tag.SOPClassUID -> i.sopClassUid();
                case Tag.InstanceNumber -> i.instanceNumber() == null ? null : i.instanceNumber().toString();
                default -> null;
            };
        }
        if (r instanceof SeriesRecord s) {
            return switch (tag) {
                case Tag.StudyInstanceUID -> s.studyInstanceUid();
                case Tag.SeriesInstanceUID -> s.seriesInstanceUid();
                case Tag.Modality -> s.modality();
                case Tag.SeriesNumber -> s.seriesNumber() == null ? null : s.seriesNumber().toString();
                default -> null;
            };
        }
        if (r instanceof StudyRecord s) {
            return switch (tag) {
                case Tag.StudyInstanceUID -> s.studyInstanceUid();
                case Tag.StudyDate -> s.studyDate();
                case Tag.StudyTime -> s.studyTime();
                default -> patientField(s.patient(), tag);
            };
        }
        return r instanceof PatientRecord p ? patientField(p, tag) : null;
    }

    private static String patientField(PatientRecord p, int tag) {
        return switch (tag) {
            case Tag.PatientID -> p.patientId();
            case Tag.IssuerOfPatientID -> p.issuerOfPatientId();
            case Tag.PatientBirthDate -> p.birthDate();
            case Tag.PatientSex -> p.sex();
            default -> null;
        };
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        return t;
    }

    private static <V> Map<String, V> lru() {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > PARENT_CACHE;
            }
        });
    }
}
