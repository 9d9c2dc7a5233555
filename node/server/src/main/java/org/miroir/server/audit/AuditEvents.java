package org.miroir.server.audit;

import org.miroir.server.audit.AuditMessage.Code;
import org.miroir.server.audit.AuditMessage.Participant;
import org.miroir.server.audit.AuditMessage.ParticipantObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The audit messages Miroir sends, one factory per event of PS3.15 A.5.3 it reports, with the participants and
 * participant objects each event's table asks for. Codes are those of PS3.16 (DCM) and RFC 3881.
 */
public final class AuditEvents {
    static final Code APPLICATION_ACTIVITY = dcm("110100", "Application Activity");
    static final Code INSTANCES_ACCESSED = dcm("110103", "DICOM Instances Accessed");
    static final Code INSTANCES_TRANSFERRED = dcm("110104", "DICOM Instances Transferred");
    static final Code STUDY_DELETED = dcm("110105", "DICOM Study Deleted");
    static final Code ORDER_RECORD = dcm("110109", "Order Record");
    static final Code PATIENT_RECORD = dcm("110110", "Patient Record");
    static final Code PROCEDURE_RECORD = dcm("110111", "Procedure Record");
    static final Code QUERY = dcm("110112", "Query");
    static final Code SECURITY_ALERT = dcm("110113", "Security Alert");
    static final Code USER_AUTHENTICATION = dcm("110114", "User Authentication");

    static final Code APPLICATION_START = dcm("110120", "Application Start");
    static final Code APPLICATION_STOP = dcm("110121", "Application Stop");
    static final Code LOGIN = dcm("110122", "Login");
    public static final Code NETWORK_CONFIGURATION = dcm("110128", "Network Configuration");
    public static final Code SECURITY_CONFIGURATION = dcm("110129", "Security Configuration");
    public static final Code SOFTWARE_CONFIGURATION = dcm("110131", "Software Configuration");
    public static final Code RESTRICTED_FUNCTION = dcm("110132", "Use of Restricted Function");

    static final Code ROLE_APPLICATION = dcm("110150", "Application");
    static final Code ROLE_DESTINATION = dcm("110152", "Destination Role ID");
    static final Code ROLE_SOURCE = dcm("110153", "Source Role ID");

    private static final Code PATIENT_NUMBER = new Code("2", "RFC-3881", "Patient Number");
    private static final Code STUDY_UID = dcm("110180", "Study Instance UID");
    private static final Code SOP_CLASS_UID = dcm("110181", "SOP Class UID");
    private static final Code URI = new Code("12", "RFC-3881", "URI");

    private AuditEvents() {}

    private static Code dcm(String code, String meaning) {
        return new Code(code, "DCM", meaning);
    }

    /** A participant in a role; {@code requestor} whether it started the event. */
    static Participant participant(Actor a, boolean requestor, Code... roles) {
        return new Participant(a.userId(), null, a.userName(), requestor, a.address(), List.of(roles));
    }

    private static AuditMessage message(Code event, String action, int outcome, String description, List<Code> types,
            List<Participant> participants, List<ParticipantObject> objects) {
        return new AuditMessage(Instant.now(), event, action, outcome, types, description, participants, objects);
    }

    /** Application Activity: the node started or stops. */
    public static AuditMessage applicationActivity(Actor node, boolean start) {
        return message(APPLICATION_ACTIVITY, "E", AuditMessage.SUCCESS, null,
                List.of(start ? APPLICATION_START : APPLICATION_STOP),
                List.of(participant(node, false, ROLE_APPLICATION)), List.of());
    }

    /**
     * User Authentication (Login): an association accepted, or refused ({@code failure} is the reason, e.g. the
     * A-ASSOCIATE-RJ), or a bearer token refused on HTTP.
     */
    public static AuditMessage login(Actor user, Actor node, String failure) {
        return message(USER_AUTHENTICATION, "E", failure == null ? AuditMessage.SUCCESS : AuditMessage.MINOR_FAILURE,
                failure, List.of(LOGIN), List.of(participant(user, true), participant(node, false, ROLE_APPLICATION)),
                List.of());
    }

    /** Query: a C-FIND (its identifier, encoded in the request's transfer syntax) or a QIDO-RS request (its URL). */
    public static AuditMessage query(Actor requestor, Actor node, String sopClassUid, byte[] query,
            String transferSyntax, int outcome, String description) {
        Map<String, String> details = transferSyntax == null ? Map.of() : Map.of("TransferSyntax", transferSyntax);
        ParticipantObject q = new ParticipantObject(sopClassUid, 2, 3, SOP_CLASS_UID, null, query, details, Map.of(),
                List.of());
        return message(QUERY, "E", outcome, description, List.of(),
                List.of(participant(requestor, true, ROLE_SOURCE), participant(node, false, ROLE_DESTINATION)),
                List.of(q));
    }

    /**
     * DICOM Instances Transferred: instances stored here ({@code action} C, source the sender) or sent from here
     * ({@code action} R, source the node). {@code requestor} is whoever asked, when neither source nor destination
     * did (the caller of a C-MOVE), else null.
     */
    public static AuditMessage transferred(String action, Actor source, boolean sourceAsked, Actor destination,
            Actor requestor, List<StudyRef> studies, int outcome, String description) {
        List<Participant> ps = new ArrayList<>();
        ps.add(participant(source, sourceAsked && requestor == null, ROLE_SOURCE));
        ps.add(participant(destination, !sourceAsked && requestor == null, ROLE_DESTINATION));
        if (requestor != null) ps.add(participant(requestor, true));
        return message(INSTANCES_TRANSFERRED, action, outcome, description, List.of(), ps, studyObjects(studies));
    }

    /** DICOM Instances Accessed: metadata, frames or bulk data read, not whole instances. */
    public static AuditMessage accessed(Actor user, Actor node, List<StudyRef> studies, int outcome, String description) {
        return message(INSTANCES_ACCESSED, "R", outcome, description, List.of(),
                List.of(participant(user, true), participant(node, false, ROLE_APPLICATION)), studyObjects(studies));
    }

    /** DICOM Study Deleted: a study, or part of it (the instances listed), deleted. */
    public static AuditMessage deleted(Actor user, Actor node, List<StudyRef> studies, int outcome, String description) {
        return message(STUDY_DELETED, "D", outcome, description, List.of(),
                List.of(participant(user, true), participant(node, false, ROLE_APPLICATION)), studyObjects(studies));
    }

    /** Patient Record (ADT) or Order Record (ORM/OMG) from HL7: {@code controlId} is MSH-10. */
    public static AuditMessage hl7Record(boolean order, String action, Actor sender, Actor node, String patientId,
            String patientName, String messageType, String controlId, int outcome, String description) {
        Map<String, String> details = new LinkedHashMap<>();
        if (controlId != null) details.put("MSH-10", controlId);
        if (messageType != null) details.put("MSH-9", messageType);
        List<ParticipantObject> objects = patientId == null ? List.of()
                : List.of(patient(patientId, patientName, details));
        return message(order ? ORDER_RECORD : PATIENT_RECORD, action, outcome, description, List.of(),
                List.of(participant(sender, true), participant(node, false, ROLE_APPLICATION)), objects);
    }

    /** Procedure Record: a performed procedure step created or updated (MPPS). */
    public static AuditMessage procedureRecord(String action, Actor modality, Actor node, String mppsUid,
            String patientId, String patientName, int outcome, String description) {
        List<ParticipantObject> objects = patientId == null ? List.of()
                : List.of(patient(patientId, patientName, mppsUid == null ? Map.of() : Map.of("MPPS", mppsUid)));
        return message(PROCEDURE_RECORD, action, outcome, description, List.of(),
                List.of(participant(modality, true), participant(node, false, ROLE_APPLICATION)), objects);
    }

    /**
     * Security Alert: a configuration change or a refused use of a function ({@code type}), on the resource named
     * {@code resource} (an admin URL, an AE title and service), with what happened.
     */
    public static AuditMessage securityAlert(Code type, Actor user, Actor node, String resource, String alert,
            int outcome) {
        ParticipantObject o = new ParticipantObject(resource, 2, 13, URI, resource,
                null, alert == null ? Map.of() : Map.of("Alert Description", alert), Map.of(), List.of());
        return message(SECURITY_ALERT, "E", outcome, outcome == AuditMessage.SUCCESS ? null : alert, List.of(type),
                List.of(participant(user, true), participant(node, false, ROLE_APPLICATION)), List.of(o));
    }

    private static ParticipantObject patient(String id, String name, Map<String, String> details) {
        return new ParticipantObject(id, 1, 1, PATIENT_NUMBER, name == null ? id : name, null, details, Map.of(),
                List.of());
    }

    /** A study object per study, then a patient object per distinct patient. */
    private static List<ParticipantObject> studyObjects(List<StudyRef> studies) {
        List<ParticipantObject> out = new ArrayList<>();
        Set<String> patients = new LinkedHashSet<>();
        List<ParticipantObject> patientObjects = new ArrayList<>();
        for (StudyRef s : studies) {
            out.add(new ParticipantObject(s.studyInstanceUid(), 2, 3, STUDY_UID, s.studyInstanceUid(), null, Map.of(),
                    s.sopClasses(), s.accessionNumber() == null ? List.of() : List.of(s.accessionNumber())));
            if (s.patientId() != null && patients.add(s.patientId()))
                patientObjects.add(patient(s.patientId(), s.patientName(), Map.of()));
        }
        out.addAll(patientObjects);
        return out;
    }
}
