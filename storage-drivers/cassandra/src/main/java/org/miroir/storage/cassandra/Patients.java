package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.miroir.storage.StorageException;
import org.miroir.storage.metadata.PatientKey;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.query.Matching;

/**
 * Patients set by the registry (HL7 ADT) and merges. A registered patient's row has {@code registered = true}, and
 * the store path leaves its values alone. A merged patient keeps a row naming the surviving patient
 * ({@code merged_issuer}, {@code merged_pid}); the store path follows such rows (a few hops at most: a merge does not
 * re-point older merges into the patient it removes) and files the study under the patient at the end.
 *
 * <p>A merge moves the prior patient's studies in batches of {@value #CHUNK} (study row, {@code study_by_patient} in
 * and out), then writes one batch with both patient rows and the journal entry. A merge that fails half-way leaves
 * some studies moved and no journal entry: the HL7 sender gets no positive acknowledgement and sends it again, which
 * moves the rest. Known gap: a store of a study of the prior patient that read its patient row before the merge and
 * commits after it files that study under the prior patient again (the embedded driver is atomic).
 */
final class Patients {
    private static final int CHUNK = 100;
    /** Merge hops the store path follows; a longer chain is a loop or damage. */
    static final int MAX_HOPS = 8;

    /**
     * Where an instance's patient key leads: the patient its study is filed under. {@code row} is the instance's own
     * patient row as read ({@code null} if absent or merged away).
     */
    record Resolved(String issuer, String patientId, boolean own, boolean registered, Row row) {}

    private final CqlSession session;
    private final Cql cql;
    private final Journal journal;
    private final CassandraSettings cfg;

    Patients(CqlSession session, Cql cql, Journal journal, CassandraSettings cfg) {
        this.session = session;
        this.cql = cql;
        this.journal = journal;
        this.cfg = cfg;
    }

    CompletionStage<String> update(PatientRecord p) {
        long ticks = journal.begin(-1);
        return register(p, ticks).thenCompose(b -> {
            b.addStatement(journal.insertPatient(ticks, PatientKey.of(p), null));
            return session.executeAsync(finish(b));
        }).thenApply(rs -> journal.position(ticks).toString()).whenComplete((x, e) -> journal.done(ticks));
    }

    CompletionStage<String> merge(PatientKey prior, PatientRecord surviving) {
        PatientKey to = PatientKey.of(surviving);
        if (prior.equals(to)) throw new IllegalArgumentException("a patient cannot be merged into itself");
        long ticks = journal.begin(-1);
        long ts = TimeUuids.micros(ticks);
        String fromIssuer = Rows.key(prior.issuerOfPatientId()), fromPid = Rows.key(prior.patientId());
        String toIssuer = Rows.key(to.issuerOfPatientId()), toPid = Rows.key(to.patientId());
        return Async.collect(session.executeAsync(Cql.read(cql.studiesOfPatient, fromIssuer, fromPid)),
                r -> r.getString("study_uid")).thenCompose(studies -> {
                    int chunks = (studies.size() + CHUNK - 1) / CHUNK;
                    return Async.loop(0, i -> i >= chunks, i -> {
                        BatchStatementBuilder b = BatchStatement.builder(DefaultBatchType.LOGGED);
                        for (String study : studies.subList(i * CHUNK, Math.min(studies.size(), (i + 1) * CHUNK))) {
                            b.addStatement(cql.studyMove.bind(ts, toIssuer, toPid, study));
                            b.addStatement(cql.studyByPatientInsert.bind(toIssuer, toPid, study, ts));
                            b.addStatement(cql.studyByPatientDelete.bind(ts, fromIssuer, fromPid, study));
                        }
                        return session.executeAsync(finish(b)).thenApply(rs -> i + 1);
                    });
                }).thenCompose(v -> register(surviving, ticks)).thenCompose(b -> {
                    b.addStatement(cql.patientMerged.bind(fromIssuer, fromPid, fromIssuer, fromPid, toIssuer, toPid,
                            ts));
                    b.addStatement(journal.insertPatient(ticks, to, prior));
                    return session.executeAsync(finish(b));
                }).thenApply(rs -> journal.position(ticks).toString())
                .whenComplete((x, e) -> journal.done(ticks));
    }

    /** The patient as stored, unless merged away or known neither by the registry nor by a study. */
    CompletionStage<Optional<PatientRecord>> read(PatientKey key) {
        String issuer = Rows.key(key.issuerOfPatientId()), pid = Rows.key(key.patientId());
        return session.executeAsync(Cql.read(cql.patientByKey, issuer, pid)).thenCompose(rs -> {
            Row r = rs.one();
            if (r == null || r.getString("merged_pid") != null) return CompletableFuture.completedFuture(Optional.empty());
            if (r.getBoolean("registered")) return CompletableFuture.completedFuture(Optional.of(Rows.patient(r)));
            return session.executeAsync(Cql.read(cql.patientHasStudy, issuer, pid))
                    .thenApply(s -> s.one() == null ? Optional.empty() : Optional.of(Rows.patient(r)));
        });
    }

    /** Follows merges from {@code key} to the patient a study of it is filed under. */
    CompletionStage<Resolved> resolve(PatientKey key) {
        Resolved start = new Resolved(Rows.key(key.issuerOfPatientId()), Rows.key(key.patientId()), true, false,
                null);
        record Hop(Resolved at, int n, boolean done) {}
        return Async.loop(new Hop(start, 0, false), h -> h.done, h -> {
            if (h.n > MAX_HOPS)
                throw new StorageException("patient merges from " + key + " form a chain longer than " + MAX_HOPS);
            return session.executeAsync(Cql.read(cql.patientByKey, h.at.issuer(), h.at.patientId())).thenApply(rs -> {
                Row r = rs.one();
                if (r == null || r.getString("merged_pid") == null)
                    return new Hop(new Resolved(h.at.issuer(), h.at.patientId(), h.n == 0,
                            r != null && r.getBoolean("registered"), h.n == 0 ? r : null), h.n, true);
                return new Hop(new Resolved(r.getString("merged_issuer"), r.getString("merged_pid"), false, false,
                        null), h.n + 1, false);
            });
        }).thenApply(h -> h.at);
    }

    /** A batch that sets the registry's values of {@code p}: its patient row and its name's index row. */
    private CompletionStage<BatchStatementBuilder> register(PatientRecord p, long ticks) {
        String issuer = Rows.key(p.issuerOfPatientId()), pid = Rows.key(p.patientId());
        long ts = TimeUuids.micros(ticks);
        return session.executeAsync(Cql.read(cql.patientByKey, issuer, pid)).thenApply(rs -> {
            BatchStatementBuilder b = BatchStatement.builder(DefaultBatchType.LOGGED);
            b.addStatement(cql.patientRegister.bind(issuer, pid, issuer, pid, p.patientName(),
                    Matching.fold(p.patientName()), p.birthDate(), p.sex(), Rows.blob(p.attributes()), ts));
            names(b, cql, rs.one(), issuer, pid, Matching.fold(p.patientName()), ts);
            return b;
        });
    }

    /** Adds the name index rows of a patient row written with {@code folded} over {@code old} (may be null). */
    static void names(BatchStatementBuilder b, Cql cql, Row old, String issuer, String pid, String folded, long ts) {
        String was = old == null ? null : old.getString("name_folded");
        String prefix = NameIndex.prefix(folded), oldPrefix = NameIndex.prefix(was);
        if (oldPrefix != null && !was.equals(folded)) b.addStatement(cql.nameDelete.bind(ts, oldPrefix, was, issuer,
                pid));
        if (prefix != null) b.addStatement(cql.nameInsert.bind(prefix, folded, issuer, pid, ts));
    }

    private BatchStatement finish(BatchStatementBuilder b) {
        // Idempotent: explicit timestamps and a fixed journal position make a replay write the same cells.
        return b.build().setIdempotent(true).setConsistencyLevel(cfg.writeConsistency());
    }
}
