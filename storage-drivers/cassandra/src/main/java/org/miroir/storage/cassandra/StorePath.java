package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.RequestThrottlingException;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.DuplicatePolicy;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.JournalOp;
import org.miroir.storage.metadata.PatientKey;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StoreOutcome;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.query.DateTimes;
import org.miroir.storage.query.Matching;
import org.miroir.storage.query.ValueKind;

/**
 * The store path. First the SOP Instance UID is claimed with a lightweight transaction on {@code instance_claim}
 * ({@code INSERT ... IF NOT EXISTS}, or compare-and-set on the claim's write timestamp): the claim decides the
 * duplicate policy atomically. Then one LOGGED BATCH at the write consistency writes patient, study, series and
 * instance rows, the query tables and the journal entry. A conditional batch would have to stay in one partition,
 * hence claim first, batch second.
 *
 * <p>Claims of one UID are serial: a writer changes a claim only once the previous owner's batch is visible
 * ({@link Indexed#settles}); until then it waits, polling, up to {@code claim-timeout}, after which the claim counts as
 * abandoned (its writer died between claim and batch) and the index as it stands decides. Every cell of the batch
 * carries the claim's write timestamp, which grows along the chain, so even batches that reach replicas out of order
 * leave the last owner's rows.
 *
 * <p>The instance's patient is resolved alongside ({@link Patients#resolve}): a merged patient's study is filed under
 * the surviving patient, and a registered patient's row is not written (the registry owns its values).
 */
final class StorePath {
    private static final int MAX_ATTEMPTS = 400;

    private final CqlSession session;
    private final Cql cql;
    private final Claims claims;
    private final Journal journal;
    private final Patients patients;
    private final CassandraSettings cfg;
    private final Set<Integer> knownBuckets = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> failpoint = new AtomicReference<>();

    StorePath(CqlSession session, Cql cql, Claims claims, Journal journal, Patients patients, CassandraSettings cfg) {
        this.session = session;
        this.cql = cql;
        this.claims = claims;
        this.journal = journal;
        this.patients = patients;
        this.cfg = cfg;
    }

    /** Test hook: the next store of this UID fails after its claim was written, before its batch. */
    void armFailure(String sopInstanceUid) {
        failpoint.set(sopInstanceUid);
    }

    /** Where a store stands between attempts: the claim seen last ({@code null}: try a fresh claim). */
    private record Attempt(int n, Claim seen, boolean reread, StoreOutcome outcome) {}

    /** What the batch needs to know first: the study row as it is, and the patient the study goes to. */
    private record Before(Row study, Patients.Resolved patient) {}

    CompletionStage<StoreOutcome> store(StoreRequest r, DuplicatePolicy policy) {
        String sop = r.instance().sopInstanceUid();
        // The study as it is now: a store that moves it to another patient, date or accession removes the old rows.
        CompletableFuture<Row> study = session.executeAsync(Cql.read(cql.studyRow, r.study().studyInstanceUid()))
                .thenApply(rs -> rs.one()).toCompletableFuture();
        CompletableFuture<Before> before = patients.resolve(PatientKey.of(r.patient())).toCompletableFuture()
                .thenCombine(study, (p, st) -> new Before(st, p));
        long deadline = System.nanoTime() + cfg.claimTimeout().plus(cfg.requestTimeout().multipliedBy(4)).toNanos();
        return Async.loop(new Attempt(0, null, false, null), a -> a.outcome != null, a -> {
            if (a.n >= MAX_ATTEMPTS || System.nanoTime() > deadline)
                throw new StorageException("SOP Instance UID " + sop + " is claimed by a write that neither "
                        + "committed nor was abandoned in time");
            if (a.reread)
                return claims.read(sop, false).thenApply(c -> new Attempt(a.n + 1, c, false, null));
            if (a.seen == null) return fresh(r, before, a);
            return contended(r, policy, before, a);
        }).thenApply(a -> a.outcome);
    }

    private CompletionStage<Attempt> fresh(StoreRequest r, CompletableFuture<Before> before, Attempt a) {
        InstanceRecord in = r.instance();
        long ticks = journal.begin(-1);
        Claim mine = Claims.stored(TimeUuids.micros(ticks), in.studyInstanceUid(), in.seriesInstanceUid(),
                in.objectKey());
        return claims.insert(in.sopInstanceUid(), mine).thenCompose(cas -> {
            if (cas.applied()) return commit(r, before, ticks, null, null).thenApply(o -> done(a, o));
            journal.done(ticks);
            return CompletableFuture.completedFuture(new Attempt(a.n + 1, cas.current(), cas.current() == null,
                    null));
        }).whenComplete((x, e) -> {
            if (e != null) journal.done(ticks);
        });
    }

    private CompletionStage<Attempt> contended(StoreRequest r, DuplicatePolicy policy, CompletableFuture<Before> before,
            Attempt a) {
        Claim seen = a.seen;
        String sop = r.instance().sopInstanceUid();
        return claims.indexed(sop).thenCompose(indexed -> {
            boolean abandoned = Duration.between(seen.claimedAt(), Instant.now()).compareTo(cfg.claimTimeout()) > 0;
            if (!indexed.settles(seen) && !abandoned) {
                // The owner's batch is on its way (or failed): look again shortly.
                long wait = Math.min(50, 2L << Math.min(a.n, 5));
                return Async.delay(wait).thenApply(v -> new Attempt(a.n + 1, seen, true, null));
            }
            if (indexed.present() && policy != DuplicatePolicy.OVERWRITE) {
                StoreOutcome.Status s = policy == DuplicatePolicy.IGNORE ? StoreOutcome.Status.IGNORED
                        : StoreOutcome.Status.REJECTED;
                return CompletableFuture.completedFuture(done(a, new StoreOutcome(s, indexed.record(), null)));
            }
            InstanceRecord in = r.instance();
            long ticks = journal.begin(seen.writeTs());
            Claim mine = Claims.stored(TimeUuids.micros(ticks), in.studyInstanceUid(), in.seriesInstanceUid(),
                    in.objectKey());
            return claims.replace(sop, seen.writeTs(), mine).thenCompose(cas -> {
                if (cas.applied()) return commit(r, before, ticks, seen, indexed.record()).thenApply(o -> done(a, o));
                journal.done(ticks);
                return CompletableFuture.completedFuture(new Attempt(a.n + 1, cas.current(), cas.current() == null,
                        null));
            }).whenComplete((x, e) -> {
                if (e != null) journal.done(ticks);
            });
        });
    }

    private static Attempt done(Attempt a, StoreOutcome o) {
        return new Attempt(a.n, a.seen, false, o);
    }

    /**
     * Writes the batch of a claimed store. {@code previousClaim} is the claim it replaced ({@code null} for a fresh
     * one), {@code previous} the instance it replaces in the index ({@code null} if none).
     */
    private CompletionStage<StoreOutcome> commit(StoreRequest r, CompletableFuture<Before> before, long ticks,
            Claim previousClaim, InstanceRecord previous) {
        InstanceRecord in = r.instance();
        String sop = in.sopInstanceUid();
        return before.thenCompose(known -> {
            if (sop.equals(failpoint.get()) && failpoint.compareAndSet(sop, null))
                throw new InjectedFailure("injected failure between claim and batch of " + sop);
            Integer bucket = bucketOf(r.study().studyDate());
            BatchStatement batch = batch(r, known, ticks, previous, bucket != null && !knownBuckets.contains(bucket));
            return session.executeAsync(batch).thenApply(rs -> {
                if (bucket != null) knownBuckets.add(bucket);
                StoreOutcome.Status s = previous == null ? StoreOutcome.Status.STORED : StoreOutcome.Status.REPLACED;
                return new StoreOutcome(s, previous, journal.position(ticks).toString());
            });
        }).handle((outcome, e) -> {
            journal.done(ticks);
            if (e == null) return CompletableFuture.completedFuture(outcome);
            Throwable cause = Async.unwrap(e);
            if (!definitelyNotApplied(cause)) return CompletableFuture.<StoreOutcome>failedFuture(cause);
            // Nothing of the batch was written: hand the claim back so the next writer need not wait it out.
            Claim restore = previousClaim == null ? Claims.deleted(TimeUuids.micros(ticks))
                    : new Claim(previousClaim.state(), TimeUuids.micros(ticks), previousClaim.claimedAt(),
                            previousClaim.studyUid(), previousClaim.seriesUid(), previousClaim.objectKey());
            return claims.replace(sop, TimeUuids.micros(ticks), restore)
                    .handle((cas, e2) -> CompletableFuture.<StoreOutcome>failedFuture(cause))
                    .thenCompose(f -> f);
        }).thenCompose(f -> f);
    }

    private BatchStatement batch(StoreRequest r, Before before, long ticks, InstanceRecord previous,
            boolean newBucket) {
        long ts = TimeUuids.micros(ticks);
        StudyRecord st = r.study();
        PatientRecord p = r.patient();
        SeriesRecord se = r.series();
        InstanceRecord in = r.instance();
        Row old = before.study();
        String issuer = before.patient().issuer(), pid = before.patient().patientId();
        String study = st.studyInstanceUid(), series = se.seriesInstanceUid(), sop = in.sopInstanceUid();
        Integer dateN = dateN(st.studyDate());

        BatchStatementBuilder b = BatchStatement.builder(DefaultBatchType.LOGGED);
        Patients.Resolved patient = before.patient();
        if (patient.own() && !patient.registered() && !unchanged(patient.row(), p)) {
            String folded = Matching.fold(p.patientName());
            b.addStatement(cql.patientUpsert.bind(issuer, pid, issuer, pid, p.patientName(), folded, p.birthDate(),
                    p.sex(), Rows.blob(p.attributes()), ts));
            Patients.names(b, cql, patient.row(), issuer, pid, folded, ts);
        }
        b.addStatement(cql.studyUpsert.bind(study, issuer, pid, st.studyDate(), st.studyTime(), st.accessionNumber(),
                st.referringPhysicianName(), st.studyDescription(), st.studyId(), Rows.blob(st.attributes()), ts));
        b.addStatement(cql.studyByPatientInsert.bind(issuer, pid, study, ts));
        if (dateN != null) {
            b.addStatement(cql.studyByDateInsert.bind(dateN / 100, dateN, study, ts));
            if (newBucket) b.addStatement(cql.bucketInsert.bind(dateN / 100));
        }
        if (st.accessionNumber() != null) b.addStatement(cql.studyByAccessionInsert.bind(st.accessionNumber(), study,
                ts));
        if (old != null) {
            String oldIssuer = old.getString("issuer"), oldPid = old.getString("patient_id");
            if (!issuer.equals(oldIssuer) || !pid.equals(oldPid))
                b.addStatement(cql.studyByPatientDelete.bind(ts, oldIssuer, oldPid, study));
            Integer oldDate = dateN(old.getString("study_date"));
            if (oldDate != null && !oldDate.equals(dateN))
                b.addStatement(cql.studyByDateDelete.bind(ts, oldDate / 100, oldDate, study));
            String oldAccession = old.getString("accession");
            if (oldAccession != null && !oldAccession.equals(st.accessionNumber()))
                b.addStatement(cql.studyByAccessionDelete.bind(ts, oldAccession, study));
        }
        b.addStatement(cql.seriesUpsert.bind(study, series, se.modality(), se.seriesNumber(), se.seriesDescription(),
                se.bodyPartExamined(), se.performedProcedureStepStartDate(), se.performedProcedureStepStartTime(),
                Rows.blob(se.attributes()), ts));
        b.addStatement(cql.memberInsert.bind(study, series, sop, in.sopClassUid(), in.instanceNumber(),
                in.transferSyntaxUid(), in.objectKey(), in.size(), in.sha256(), in.storedAt(), ts));
        b.addStatement(cql.instanceUpsert.bind(sop, study, series, in.sopClassUid(), in.instanceNumber(),
                in.transferSyntaxUid(), in.objectKey(), in.size(), in.sha256(), in.storedAt(),
                Rows.blob(in.attributes()), ts));
        b.addStatement(cql.objectRefInsert.bind(in.objectKey(), sop, ts));
        if (previous != null) {
            if (!previous.studyInstanceUid().equals(study) || !previous.seriesInstanceUid().equals(series))
                b.addStatement(cql.memberDelete.bind(ts, previous.studyInstanceUid(), previous.seriesInstanceUid(),
                        sop));
            if (!previous.objectKey().equals(in.objectKey()))
                b.addStatement(cql.objectRefDelete.bind(ts, previous.objectKey()));
        }
        b.addStatement(journal.insert(ticks, JournalOp.STORE, study, series, sop, in.objectKey(), in.size(),
                in.sha256()));
        // Idempotent: explicit timestamps and a fixed journal position make a replay write the same cells.
        return b.build().setIdempotent(true).setConsistencyLevel(cfg.writeConsistency());
    }

    /**
     * Whether the patient row already holds what this store would write. Every instance of a patient carries its
     * patient's values, and rewriting the same row (with its name's three SAI indexes and index row) for each is
     * most of a store's index work; patient rows are never deleted, so an unchanged row needs no write to survive.
     */
    private static boolean unchanged(Row row, PatientRecord p) {
        return row != null && Objects.equals(row.getString("name"), p.patientName())
                && Objects.equals(row.getString("birth_date"), p.birthDate())
                && Objects.equals(row.getString("sex"), p.sex())
                && Objects.equals(row.getByteBuffer("attrs"), Rows.blob(p.attributes()));
    }

    static Integer dateN(String studyDate) {
        String n = studyDate == null ? null : DateTimes.normalize(ValueKind.DATE, studyDate);
        return n == null ? null : Integer.valueOf(n);
    }

    private static Integer bucketOf(String studyDate) {
        Integer n = dateN(studyDate);
        return n == null ? null : n / 100;
    }

    /** Failures that prove the batch was not written, so its claim may be handed back at once. */
    static boolean definitelyNotApplied(Throwable e) {
        return e instanceof InjectedFailure || e instanceof UnavailableException
                || e instanceof RequestThrottlingException || e instanceof NoNodeAvailableException
                || e instanceof InvalidQueryException;
    }

    /** The failure {@link #armFailure} injects: a real write (the claim) happened, the batch did not. */
    static final class InjectedFailure extends StorageException {
        InjectedFailure(String message) {
            super(message);
        }
    }
}
