package org.miroir.server.store;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.PatientRecord;
import org.miroir.storage.metadata.SeriesRecord;
import org.miroir.storage.metadata.StoreRequest;
import org.miroir.storage.metadata.StudyRecord;
import org.miroir.storage.object.StoredObject;
import org.miroir.storage.query.QueryLevel;

import java.time.Instant;

/** Builds the index rows of one instance from its parsed header. */
final class IndexRecords {
    private IndexRecords() {}

    static StoreRequest of(Attributes h, String transferSyntaxUid, StoredObject object, Instant storedAt) {
        PatientRecord patient = new PatientRecord(h.getString(Tag.PatientID), h.getString(Tag.IssuerOfPatientID),
                joinedValue(h, Tag.PatientName), h.getString(Tag.PatientBirthDate), h.getString(Tag.PatientSex),
                HeaderCodec.encode(LevelAttributes.select(h, QueryLevel.PATIENT)));
        String studyUid = h.getString(Tag.StudyInstanceUID);
        String seriesUid = h.getString(Tag.SeriesInstanceUID);
        StudyRecord study = StudyRecord.forStore(patient, studyUid, h.getString(Tag.StudyDate),
                h.getString(Tag.StudyTime), h.getString(Tag.AccessionNumber),
                joinedValue(h, Tag.ReferringPhysicianName), h.getString(Tag.StudyDescription),
                h.getString(Tag.StudyID), HeaderCodec.encode(LevelAttributes.select(h, QueryLevel.STUDY)));
        SeriesRecord series = SeriesRecord.forStore(studyUid, seriesUid, h.getString(Tag.Modality),
                integer(h, Tag.SeriesNumber), h.getString(Tag.SeriesDescription), h.getString(Tag.BodyPartExamined),
                h.getString(Tag.PerformedProcedureStepStartDate), h.getString(Tag.PerformedProcedureStepStartTime),
                HeaderCodec.encode(LevelAttributes.select(h, QueryLevel.SERIES)));
        InstanceRecord instance = new InstanceRecord(studyUid, seriesUid, h.getString(Tag.SOPInstanceUID),
                h.getString(Tag.SOPClassUID), integer(h, Tag.InstanceNumber), transferSyntaxUid, object.key(),
                object.size(), object.sha256(), storedAt, HeaderCodec.encode(h));
        return new StoreRequest(study, series, instance);
    }

    /** A PN keeps all its values (alphabetic=ideographic=phonetic groups are one value; repetitions joined by '\'). */
    private static String joinedValue(Attributes h, int tag) {
        String[] v = h.getStrings(tag);
        return v == null || v.length == 0 ? null : String.join("\\", v);
    }

    private static Integer integer(Attributes h, int tag) {
        String s = h.getString(tag);
        if (s == null) return null;
        try {
            return Integer.valueOf(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
