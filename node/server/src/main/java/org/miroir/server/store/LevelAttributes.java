package org.miroir.server.store;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.storage.query.QueryLevel;

import java.util.Arrays;

/**
 * Which header attributes belong to the patient, study and series levels (PS3.3 Patient, General Study, Patient
 * Study and General Series modules, and PS3.18 QIDO-RS return attributes). The instance level keeps the whole header.
 */
public final class LevelAttributes {
    private LevelAttributes() {}

    private static final int[] PATIENT = sorted(
            Tag.SpecificCharacterSet, Tag.PatientName, Tag.PatientID, Tag.IssuerOfPatientID,
            Tag.IssuerOfPatientIDQualifiersSequence, Tag.TypeOfPatientID, Tag.PatientBirthDate, Tag.PatientBirthTime,
            Tag.PatientSex, Tag.OtherPatientIDsSequence, Tag.OtherPatientNames, Tag.PatientComments,
            Tag.EthnicGroup, Tag.PatientSpeciesDescription, Tag.PatientBreedDescription, Tag.ResponsiblePerson,
            Tag.PatientIdentityRemoved, Tag.DeidentificationMethod);

    private static final int[] STUDY = sorted(
            Tag.SpecificCharacterSet, Tag.StudyDate, Tag.StudyTime, Tag.AccessionNumber,
            Tag.IssuerOfAccessionNumberSequence, Tag.ReferringPhysicianName, Tag.ReferringPhysicianIdentificationSequence,
            Tag.StudyDescription, Tag.ProcedureCodeSequence, Tag.PhysiciansOfRecord, Tag.NameOfPhysiciansReadingStudy,
            Tag.AdmittingDiagnosesDescription, Tag.StudyInstanceUID, Tag.StudyID, Tag.ReferencedStudySequence,
            Tag.RequestingService, Tag.PatientAge, Tag.PatientSize, Tag.PatientWeight, Tag.Occupation,
            Tag.AdditionalPatientHistory, Tag.TimezoneOffsetFromUTC);

    private static final int[] SERIES = sorted(
            Tag.SpecificCharacterSet, Tag.SeriesDate, Tag.SeriesTime, Tag.Modality, Tag.SeriesDescription,
            Tag.OperatorsName, Tag.PerformingPhysicianName, Tag.BodyPartExamined, Tag.ProtocolName,
            Tag.SeriesInstanceUID, Tag.SeriesNumber, Tag.Laterality, Tag.PatientPosition,
            Tag.PerformedProcedureStepStartDate, Tag.PerformedProcedureStepStartTime, Tag.PerformedProcedureStepID,
            Tag.PerformedProcedureStepDescription, Tag.RequestAttributesSequence, Tag.ReferencedPerformedProcedureStepSequence,
            Tag.FrameOfReferenceUID, Tag.Manufacturer, Tag.InstitutionName, Tag.StationName, Tag.TimezoneOffsetFromUTC);

    private static int[] sorted(int... tags) {
        int[] t = tags.clone();
        Arrays.sort(t); // every tag here is below 0x80000000, so signed order is tag order
        return t;
    }

    private static int[] tagsOf(QueryLevel level) {
        return switch (level) {
            case PATIENT -> PATIENT;
            case STUDY -> STUDY;
            case SERIES -> SERIES;
            case INSTANCE -> null;
        };
    }

    /** The attributes of {@code header} that belong to {@code level} (the whole header at instance level). */
    public static Attributes select(Attributes header, QueryLevel level) {
        int[] tags = tagsOf(level);
        if (tags == null) return header;
        Attributes out = new Attributes(tags.length);
        for (int tag : tags) {
            Object v = header.getValue(tag);
            if (v != null) out.setValue(tag, header.getVR(tag), v);
        }
        return out;
    }

    /** True when {@code tag} is one of the attributes kept at {@code level} (instance: any). */
    public static boolean belongsTo(int tag, QueryLevel level) {
        int[] tags = tagsOf(level);
        return tags == null || Arrays.binarySearch(tags, tag) >= 0;
    }
}
