package org.miroir.server.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.v25.datatype.CE;
import ca.uhn.hl7v2.model.v25.datatype.EI;
import ca.uhn.hl7v2.model.v25.datatype.TQ;
import ca.uhn.hl7v2.model.v25.datatype.TS;
import ca.uhn.hl7v2.model.v25.datatype.XCN;
import ca.uhn.hl7v2.model.v25.group.OMG_O19_ORDER;
import ca.uhn.hl7v2.model.v25.group.ORM_O01_ORDER;
import ca.uhn.hl7v2.model.v25.message.OMG_O19;
import ca.uhn.hl7v2.model.v25.message.ORM_O01;
import ca.uhn.hl7v2.model.v25.segment.OBR;
import ca.uhn.hl7v2.model.v25.segment.ORC;
import ca.uhn.hl7v2.model.v25.segment.PID;
import ca.uhn.hl7v2.model.v25.segment.PV1;
import ca.uhn.hl7v2.model.v25.segment.TQ1;
import ca.uhn.hl7v2.util.Terser;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.server.store.HeaderCodec;
import org.miroir.storage.worklist.StepStatus;
import org.miroir.storage.worklist.WorklistItem;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The orders of an ORM^O01 or OMG^O19 message as worklist items, one Scheduled Procedure Step per order (ORC with its
 * OBR), mapped as IHE Rad TF-2 maps orders to the Modality Worklist (RAD-4 Procedure Scheduled, v2.3.1 ORM; RAD-2/3
 * placer and filler orders, v2.5.1 OMG):
 *
 * <ul>
 *   <li>item key: the placer order number, ORC-2 (else OBR-2), entity and namespace;</li>
 *   <li>Accession Number: OBR-18, else the filler order number ORC-3, else the placer order number; Requested
 *       Procedure ID: OBR-19, else the accession number; Scheduled Procedure Step ID: OBR-20, else the Requested
 *       Procedure ID (each a DICOM SH: at most 16 characters);</li>
 *   <li>Study Instance UID: ZDS-1, else one derived from the item key (stable across order updates);</li>
 *   <li>Scheduled Station AE Title: ORC-18 (Entering Device); Modality: OBR-24; SPS Start Date and Time: TQ1-7, else
 *       ORC-7 or OBR-27 start (component 4), else OBR-36; priority: TQ1-9 or the TQ priority (component 6);</li>
 *   <li>Requested Procedure Code and Description: OBR-44, else OBR-4 (components 1-3); SPS Description and Scheduled
 *       Protocol Code: OBR-4 components 4-6 when given, else the procedure's;</li>
 *   <li>Requesting Physician: OBR-16, else ORC-12; Referring Physician: PV1-8; Scheduled Performing Physician:
 *       OBR-34; Admission ID: PV1-19; Medical Alerts: OBR-13; Reason for the Requested Procedure: OBR-31; Patient
 *       Transport Arrangements: OBR-30; Placer and Filler Order Numbers: ORC-2 and ORC-3; the patient: PID as for
 *       ADT ({@link PatientMapping}).</li>
 * </ul>
 */
final class OrderMapping {
    /** HL7 table 0119 (order control codes): the ones not acted on are acknowledged and ignored. */
    static final Set<String> CONTROL_CODES = Set.of("AF", "CA", "CH", "CN", "CR", "DC", "DE", "DF", "DR", "FU", "HD",
            "HR", "LI", "NA", "NW", "OC", "OD", "OE", "OF", "OH", "OK", "OP", "OR", "PA", "PR", "PY", "RC", "RE", "RF",
            "RL", "RO", "RP", "RQ", "RR", "RU", "SC", "SN", "SR", "SS", "UA", "UC", "UD", "UF", "UH", "UM", "UN", "UR",
            "UX", "XO", "XR", "XX");
    /** Requested Procedure Priority (0040,1003) for the HL7 priorities IHE lists (S, A, R, P, C, T). */
    private static final String[][] PRIORITIES = {{"S", "STAT"}, {"A", "HIGH"}, {"R", "ROUTINE"}, {"P", "HIGH"},
            {"C", "HIGH"}, {"T", "MEDIUM"}};

    /** One order: its control code (ORC-1), the item it is about, and for NW and XO the item to write. */
    record Order(String control, String itemId, WorklistItem item) {}

    /** The segments of one order. */
    private record Segments(ORC orc, OBR obr, TQ1 tq1, Segment zds) {}

    private OrderMapping() {}

    /** Every order of the message, all checked before any is applied. */
    static List<Order> orders(Message m) throws HL7Exception {
        PID pid;
        PV1 pv1;
        List<Segments> segments = new ArrayList<>();
        if (m instanceof ORM_O01 orm) {
            pid = orm.getPATIENT().getPID();
            pv1 = orm.getPATIENT().getPATIENT_VISIT().getPV1();
            for (ORM_O01_ORDER o : orm.getORDERAll())
                segments.add(new Segments(o.getORC(), o.getORDER_DETAIL().getOBR(), null,
                        zds(o, o.getORDER_DETAIL())));
        } else {
            OMG_O19 omg = (OMG_O19) m;
            pid = omg.getPATIENT().getPID();
            pv1 = omg.getPATIENT().getPATIENT_VISIT().getPV1();
            for (OMG_O19_ORDER o : omg.getORDERAll())
                segments.add(new Segments(o.getORC(), o.getOBR(), o.getTIMINGAll().isEmpty() ? null
                        : o.getTIMING().getTQ1(), zds(o)));
        }
        PatientMapping.Patient patient = null;
        List<Order> out = new ArrayList<>();
        for (Segments s : segments) {
            String control = Hl7Values.text(s.orc.getOrc1_OrderControl().getValue());
            if (control == null) throw Hl7Rejection.missing("ORC", 1, "Order Control");
            if (!CONTROL_CODES.contains(control))
                throw Hl7Rejection.error(ca.uhn.hl7v2.ErrorCode.TABLE_VALUE_NOT_FOUND,
                        "ORC-1 Order Control is not a code of HL7 table 0119");
            String itemId = itemId(s);
            WorklistItem item = null;
            if (control.equals("NW") || control.equals("XO")) {
                if (patient == null) patient = PatientMapping.of(pid);
                item = item(itemId, s, patient, pv1);
            }
            out.add(new Order(control, itemId, item));
        }
        return out;
    }

    private static String itemId(Segments s) throws Hl7Rejection {
        String id = entity(s.orc.getOrc2_PlacerOrderNumber());
        if (id == null) id = entity(s.obr.getObr2_PlacerOrderNumber());
        if (id == null) throw Hl7Rejection.missing("ORC", 2, "Placer Order Number");
        return id;
    }

    private static String entity(EI ei) {
        String id = Hl7Values.text(ei.getEi1_EntityIdentifier().getValue());
        String ns = Hl7Values.text(ei.getEi2_NamespaceID().getValue());
        return id == null ? null : ns == null ? id : id + "^" + ns;
    }

    private static WorklistItem item(String itemId, Segments s, PatientMapping.Patient patient, PV1 pv1)
            throws HL7Exception {
        ORC orc = s.orc;
        OBR obr = s.obr;
        String placer = Hl7Values.text(orc.getOrc2_PlacerOrderNumber().getEi1_EntityIdentifier().getValue());
        if (placer == null) placer = Hl7Values.text(obr.getObr2_PlacerOrderNumber().getEi1_EntityIdentifier().getValue());
        String filler = Hl7Values.text(orc.getOrc3_FillerOrderNumber().getEi1_EntityIdentifier().getValue());
        String accession = sh(first(obr.getObr18_PlacerField1().getValue(), filler, placer), "OBR", 18,
                "Accession Number");
        String requestedProcedureId = sh(first(obr.getObr19_PlacerField2().getValue(), accession), "OBR", 19,
                "Requested Procedure ID");
        String stepId = sh(first(obr.getObr20_FillerField1().getValue(), requestedProcedureId), "OBR", 20,
                "Scheduled Procedure Step ID");
        String station = sh(orc.getOrc18_EnteringDevice().getCe1_Identifier().getValue(), "ORC", 18,
                "Scheduled Station AE Title");
        if (station != null && station.contains("\\"))
            throw Hl7Rejection.invalid("ORC", 18, "is not an AE title");
        String modality = sh(obr.getObr24_DiagnosticServSectID().getValue(), "OBR", 24, "Modality");
        TS start = start(s);
        String startDate = Hl7Values.date(start, "TQ1", 7);
        String startTime = Hl7Values.time(start);
        String studyUid = studyInstanceUid(itemId, s.zds);

        Attributes a = Hl7Values.utf8Dataset();
        a.addAll(patient.attributes()); // ASCII or UTF-8, as this data set
        a.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        a.setString(Tag.AccessionNumber, VR.SH, accession);
        String referring = pv1.getPv18_ReferringDoctorReps() == 0 ? null
                : Hl7Values.personName(pv1.getPv18_ReferringDoctor(0));
        a.setString(Tag.ReferringPhysicianName, VR.PN, referring == null ? "" : referring);
        text(a, Tag.MedicalAlerts, VR.LO, obr.getObr13_RelevantClinicalInformation().getValue());
        a.setString(Tag.StudyInstanceUID, VR.UI, studyUid);
        String requesting = obr.getObr16_OrderingProviderReps() > 0 ? Hl7Values.personName(obr.getObr16_OrderingProvider(0))
                : orc.getOrc12_OrderingProviderReps() > 0 ? Hl7Values.personName(orc.getOrc12_OrderingProvider(0)) : null;
        if (requesting != null) a.setString(Tag.RequestingPhysician, VR.PN, requesting);
        CE procedure = Hl7Values.text(obr.getObr44_ProcedureCode().getCe1_Identifier().getValue()) != null
                ? obr.getObr44_ProcedureCode() : obr.getObr4_UniversalServiceIdentifier();
        String description = first(procedure.getCe2_Text().getValue(), procedure.getCe1_Identifier().getValue());
        text(a, Tag.RequestedProcedureDescription, VR.LO, description);
        Hl7Values.code(a, Tag.RequestedProcedureCodeSequence, procedure);
        a.newSequence(Tag.ReferencedStudySequence, 0);
        a.newSequence(Tag.ReferencedPatientSequence, 0);
        text(a, Tag.AdmissionID, VR.LO, pv1.getPv119_VisitNumber().getCx1_IDNumber().getValue());

        Attributes step = a.newSequence(Tag.ScheduledProcedureStepSequence, 1).addNewItem();
        if (station != null) step.setString(Tag.ScheduledStationAETitle, VR.AE, station);
        if (startDate != null) step.setString(Tag.ScheduledProcedureStepStartDate, VR.DA, startDate);
        if (startTime != null) step.setString(Tag.ScheduledProcedureStepStartTime, VR.TM, startTime);
        if (modality != null) step.setString(Tag.Modality, VR.CS, modality);
        String performer = obr.getObr34_TechnicianReps() == 0 ? null
                : Hl7Values.personName(obr.getObr34_Technician(0).getNdl1_NameOfPerson());
        if (performer != null) step.setString(Tag.ScheduledPerformingPhysicianName, VR.PN, performer);
        CE service = obr.getObr4_UniversalServiceIdentifier();
        boolean protocol = Hl7Values.text(service.getCe4_AlternateIdentifier().getValue()) != null;
        text(step, Tag.ScheduledProcedureStepDescription, VR.LO,
                protocol ? first(service.getCe5_AlternateText().getValue(), description) : description);
        if (protocol) Hl7Values.code(step, Tag.ScheduledProtocolCodeSequence, service.getCe4_AlternateIdentifier()
                .getValue(), service.getCe6_NameOfAlternateCodingSystem().getValue(), service.getCe5_AlternateText()
                .getValue());
        step.setString(Tag.ScheduledProcedureStepID, VR.SH, stepId);
        step.setString(Tag.ScheduledProcedureStepStatus, VR.CS, "SCHEDULED");

        a.setString(Tag.RequestedProcedureID, VR.SH, requestedProcedureId);
        CE[] reasons = obr.getObr31_ReasonForStudy();
        if (reasons.length > 0) text(a, Tag.ReasonForTheRequestedProcedure, VR.LO,
                first(reasons[0].getCe2_Text().getValue(), reasons[0].getCe1_Identifier().getValue()));
        String priority = priority(s);
        if (priority != null) a.setString(Tag.RequestedProcedurePriority, VR.CS, priority);
        text(a, Tag.PatientTransportArrangements, VR.LO, obr.getObr30_TransportationMode().getValue());
        text(a, Tag.PlacerOrderNumberImagingServiceRequest, VR.LO, placer);
        text(a, Tag.FillerOrderNumberImagingServiceRequest, VR.LO, filler);
        Hl7Values.finish(a);

        var p = patient.record();
        return new WorklistItem(itemId, StepStatus.SCHEDULED, p.patientId(), p.issuerOfPatientId(), p.patientName(),
                accession, requestedProcedureId, stepId, station, modality, startDate, startTime, studyUid, null,
                HeaderCodec.encode(a));
    }

    /** When the step is scheduled: TQ1-7, else the start of ORC-7 or OBR-27, else OBR-36. */
    private static TS start(Segments s) throws HL7Exception {
        if (s.tq1 != null && Hl7Values.text(s.tq1.getTq17_StartDateTime().getTs1_Time().getValue()) != null)
            return s.tq1.getTq17_StartDateTime();
        for (TQ[] tqs : List.of(s.orc.getOrc7_QuantityTiming(), s.obr.getObr27_QuantityTiming()))
            for (TQ tq : tqs)
                if (Hl7Values.text(tq.getTq4_StartDateTime().getTs1_Time().getValue()) != null)
                    return tq.getTq4_StartDateTime();
        return s.obr.getObr36_ScheduledDateTime();
    }

    private static String priority(Segments s) throws HL7Exception {
        String code = null;
        if (s.tq1 != null && s.tq1.getTq19_PriorityReps() > 0) code = s.tq1.getTq19_Priority(0).getCwe1_Identifier()
                .getValue();
        for (TQ[] tqs : List.of(s.orc.getOrc7_QuantityTiming(), s.obr.getObr27_QuantityTiming()))
            for (TQ tq : tqs) if (code == null) code = Hl7Values.text(tq.getTq6_Priority().getValue());
        if (code == null) return null;
        for (String[] p : PRIORITIES) if (p[0].equalsIgnoreCase(code.strip())) return p[1];
        return null;
    }

    /** ZDS-1 (IHE's Study Instance UID segment), else a UID derived from the item key. */
    private static String studyInstanceUid(String itemId, Segment zds) throws HL7Exception {
        String given = zds == null ? null : Hl7Values.text(Terser.get(zds, 1, 0, 1, 1));
        if (given != null) {
            if (given.length() > 64 || !given.matches("[0-9]+(\\.[0-9]+)*"))
                throw Hl7Rejection.invalid("ZDS", 1, "is not a UID");
            return given;
        }
        UUID u = UUID.nameUUIDFromBytes(("miroir-order:" + itemId).getBytes(StandardCharsets.UTF_8));
        byte[] b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits())
                .array();
        return "2.25." + new BigInteger(1, b); // PS3.5 B.2: a UUID as a UID
    }

    /** The ZDS segment of an order, wherever HAPI put it (a Z segment lands in the group it follows). */
    private static Segment zds(Group... groups) throws HL7Exception {
        for (Group g : groups)
            if (Arrays.asList(g.getNames()).contains("ZDS")) return (Segment) g.get("ZDS");
        return null;
    }

    private static String sh(String value, String segment, int field, String what) throws Hl7Rejection {
        String v = Hl7Values.text(value);
        if (v != null && v.length() > Hl7Values.SH)
            throw Hl7Rejection.invalid(segment, field, "is longer than a DICOM " + what + " (16 characters)");
        return v;
    }

    private static void text(Attributes a, int tag, VR vr, String value) {
        String v = Hl7Values.clip(Hl7Values.text(value), Hl7Values.LO);
        if (v != null) a.setString(tag, vr, v);
    }

    private static String first(String... values) {
        for (String v : values) if (Hl7Values.text(v) != null) return Hl7Values.text(v);
        return null;
    }
}
