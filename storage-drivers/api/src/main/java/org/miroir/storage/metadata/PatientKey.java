package org.miroir.storage.metadata;

/**
 * What identifies a patient: Patient ID (0010,0020) within Issuer of Patient ID (0010,0021). Both may be absent
 * ({@code null}); absent and empty are the same.
 */
public record PatientKey(String patientId, String issuerOfPatientId) {
    public PatientKey {
        patientId = Text.orNull(patientId);
        issuerOfPatientId = Text.orNull(issuerOfPatientId);
    }

    public static PatientKey of(PatientRecord p) {
        return new PatientKey(p.patientId(), p.issuerOfPatientId());
    }
}
