package org.miroir.storage.testkit;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.miroir.storage.digest.Sha256;
import org.miroir.storage.metadata.EncodedAttributes;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.object.ObjectKeys;

/**
 * Records for contract tests. Every instance has its own UID root and Issuer of Patient ID, so tests sharing one
 * store (Cassandra keeps its keyspace for a whole class) see only their own data when they scope queries by issuer.
 */
public final class TestData {
    public static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";
    public static final String MR_IMAGE = "1.2.840.10008.5.1.4.1.1.4";
    public static final String EXPLICIT_VR_LE = "1.2.840.10008.1.2.1";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Unique per instance: ends up in the issuer, UIDs and object keys. */
    public final String token;
    public final String issuer;
    private final String uidRoot;
    private final AtomicLong seq = new AtomicLong();

    public TestData() {
        byte[] r = new byte[5];
        RANDOM.nextBytes(r);
        token = HexFormat.of().formatHex(r);
        issuer = "TK-" + token;
        uidRoot = "2.25." + new BigInteger(1, randomBytes(12));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    public String uid() {
        return uidRoot + "." + seq.incrementAndGet();
    }

    public static EncodedAttributes blob(String text) {
        return EncodedAttributes.of(text.getBytes(StandardCharsets.UTF_8));
    }

    public PatientRecord patient(String id, String name, String birthDate, String sex) {
        return new PatientRecord(id, issuer, name, birthDate, sex, blob("patient " + id + " " + token));
    }

    public StudyRecord study(PatientRecord p, String date, String time, String accession, String referring,
            String description, String studyId) {
        return StudyRecord.forStore(p, uid(), date, time, accession, referring, description, studyId,
                blob("study " + description + " " + token));
    }

    public SeriesRecord series(StudyRecord study, String modality, Integer number, String description,
            String bodyPart, String ppsDate, String ppsTime) {
        return SeriesRecord.forStore(study.studyInstanceUid(), uid(), modality, number, description, bodyPart,
                ppsDate, ppsTime, blob("series " + modality + " " + token));
    }

    public InstanceRecord instance(SeriesRecord series, String sopClassUid, Integer number) {
        return instance(series, uid(), sopClassUid, number);
    }

    /** An instance under a given SOP Instance UID, with a fresh object key (as the node makes one per write). */
    public InstanceRecord instance(SeriesRecord series, String sopInstanceUid, String sopClassUid, Integer number) {
        String key = ObjectKeys.unique(sopInstanceUid);
        return new InstanceRecord(series.studyInstanceUid(), series.seriesInstanceUid(), sopInstanceUid, sopClassUid,
                number, EXPLICIT_VR_LE, key, 1000 + (number == null ? 0 : number), Sha256.of(key.getBytes(
                        StandardCharsets.US_ASCII)), Instant.now().truncatedTo(ChronoUnit.MILLIS),
                blob("instance " + number + " " + token));
    }

    /** A whole request with fresh UIDs under {@code patient}. */
    public StoreRequest request(PatientRecord patient, String studyDate, String accession) {
        StudyRecord st = study(patient, studyDate, "101010", accession, "Ref^Doc", "CT HEAD", "S1");
        SeriesRecord se = series(st, "CT", 1, "AXIAL", "HEAD", studyDate, "101500");
        return new StoreRequest(st, se, instance(se, CT_IMAGE, 1));
    }
}
