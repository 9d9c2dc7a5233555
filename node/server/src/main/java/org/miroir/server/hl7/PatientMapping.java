package org.miroir.server.hl7;

import ca.uhn.hl7v2.model.v25.datatype.CX;
import ca.uhn.hl7v2.model.v25.datatype.XPN;
import ca.uhn.hl7v2.model.v25.segment.PID;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.server.store.HeaderCodec;
import org.miroir.storage.metadata.PatientKey;
import org.miroir.storage.metadata.PatientRecord;

/**
 * The PID segment as a DICOM patient (PS3.3 Patient module, mapped as the IHE Radiology framework maps the patient
 * of an order to the worklist): PID-3 (first repetition) is Patient ID with its assigning authority's namespace as
 * Issuer of Patient ID, the other repetitions Other Patient IDs; PID-5 (first repetition) Patient's Name; PID-7 Birth
 * Date and Time; PID-8 Sex. The data set is ASCII or UTF-8 ({@link Hl7Values#utf8Dataset}).
 */
final class PatientMapping {
    /** A patient from HL7: the index record and its attributes (kept decoded for worklist items). */
    record Patient(PatientRecord record, Attributes attributes) {
        PatientKey key() {
            return PatientKey.of(record);
        }
    }

    private PatientMapping() {}

    static Patient of(PID pid) throws Hl7Rejection {
        CX[] ids = pid.getPid3_PatientIdentifierList();
        String[] id = ids.length == 0 ? null : Hl7Values.identifier(ids[0]);
        if (id == null) throw Hl7Rejection.missing("PID", 3, "Patient Identifier List");
        if (id[0].length() > Hl7Values.LO || id[1] != null && id[1].length() > Hl7Values.LO)
            throw Hl7Rejection.invalid("PID", 3, "is longer than a DICOM Patient ID or Issuer (64 characters)");
        XPN[] names = pid.getPid5_PatientName();
        String name = names.length == 0 ? null : Hl7Values.personName(names[0]);
        String birthDate = Hl7Values.date(pid.getPid7_DateTimeOfBirth(), "PID", 7);
        String birthTime = Hl7Values.time(pid.getPid7_DateTimeOfBirth());
        String sex = Hl7Values.sex(pid.getPid8_AdministrativeSex().getValue());

        Attributes a = Hl7Values.utf8Dataset();
        if (name != null) a.setString(Tag.PatientName, VR.PN, name);
        a.setString(Tag.PatientID, VR.LO, id[0]);
        if (id[1] != null) a.setString(Tag.IssuerOfPatientID, VR.LO, id[1]);
        if (birthDate != null) a.setString(Tag.PatientBirthDate, VR.DA, birthDate);
        if (birthTime != null) a.setString(Tag.PatientBirthTime, VR.TM, birthTime);
        if (sex != null) a.setString(Tag.PatientSex, VR.CS, sex);
        if (ids.length > 1) {
            Sequence others = a.newSequence(Tag.OtherPatientIDsSequence, ids.length - 1);
            for (int i = 1; i < ids.length; i++) {
                String[] other = Hl7Values.identifier(ids[i]);
                if (other == null) continue;
                Attributes item = others.addNewItem();
                item.setString(Tag.PatientID, VR.LO, Hl7Values.clip(other[0], Hl7Values.LO));
                if (other[1] != null) item.setString(Tag.IssuerOfPatientID, VR.LO, Hl7Values.clip(other[1], Hl7Values.LO));
                item.setString(Tag.TypeOfPatientID, VR.CS, "TEXT");
            }
        }
        Hl7Values.finish(a);
        return new Patient(new PatientRecord(id[0], id[1], name, birthDate, sex, HeaderCodec.encode(a)), a);
    }

    /** A prior patient's key from MRG-1 (A40). */
    static PatientKey prior(CX[] ids) throws Hl7Rejection {
        String[] id = ids.length == 0 ? null : Hl7Values.identifier(ids[0]);
        if (id == null) throw Hl7Rejection.missing("MRG", 1, "Prior Patient Identifier List");
        return new PatientKey(id[0], id[1]);
    }
}
