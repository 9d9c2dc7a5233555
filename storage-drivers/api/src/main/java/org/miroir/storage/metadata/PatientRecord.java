package org.miroir.storage.metadata;

/**
 * A patient, identified by Patient ID (0010,0020) within Issuer of Patient ID (0010,0021) (both may be absent: such
 * instances share one "unidentified" patient). The latest stored instance's values win.
 *
 * @param patientName Patient's Name (0010,0010), all component groups as stored
 * @param birthDate   Patient's Birth Date (0010,0030), DA
 * @param sex         Patient's Sex (0010,0040)
 */
public record PatientRecord(
        String patientId,
        String issuerOfPatientId,
        String patientName,
        String birthDate,
        String sex,
        EncodedAttributes attributes) implements MetadataRecord {
    public PatientRecord {
        patientId = Text.orNull(patientId);
        issuerOfPatientId = Text.orNull(issuerOfPatientId);
        patientName = Text.orNull(patientName);
        birthDate = Text.orNull(birthDate);
        sex = Text.orNull(sex);
    }

    public PatientRecord withAttributes(EncodedAttributes a) {
        return new PatientRecord(patientId, issuerOfPatientId, patientName, birthDate, sex, a);
    }
}
