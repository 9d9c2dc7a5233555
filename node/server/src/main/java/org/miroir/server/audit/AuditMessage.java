package org.miroir.server.audit;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One audit message of the DICOM Audit Message schema (PS3.15 A.5.1, RFC 3881 lineage): the event, its active
 * participants and the objects it concerned. {@link AuditEvents} makes them; {@link #toXml} writes the schema's XML.
 *
 * @param action  EventActionCode: C, R, U, D or E
 * @param outcome EventOutcomeIndicator: 0 success, 4 minor failure, 8 serious failure, 12 major failure
 */
public record AuditMessage(Instant time, Code eventId, String action, int outcome, List<Code> eventTypes,
        String outcomeDescription, List<Participant> participants, List<ParticipantObject> objects) {

    /** A coded value: csd-code, codeSystemName, originalText (the code meaning). */
    public record Code(String code, String system, String meaning) {}

    /** An ActiveParticipant: a user, AE or process, where it acted from (an IP address), and its roles. */
    public record Participant(String userId, String alternativeUserId, String userName, boolean requestor,
            String networkAddress, List<Code> roles) {}

    /**
     * A ParticipantObjectIdentification. {@code name} or {@code query} (base64 in the XML) must be given, as the
     * schema requires one of them; {@code sopClasses} (SOP Class UID to its SOP Instance UIDs) and
     * {@code accessions} make its ParticipantObjectDescription.
     */
    public record ParticipantObject(String id, int type, int role, Code idType, String name, byte[] query,
            Map<String, String> details, Map<String, List<String>> sopClasses, List<String> accessions) {
        public ParticipantObject {
            if (name == null && query == null) throw new IllegalArgumentException("a participant object needs a name or a query");
        }
    }

    public static final int SUCCESS = 0;
    public static final int MINOR_FAILURE = 4;
    public static final int SERIOUS_FAILURE = 8;

    /** The message as XML; {@code sourceId} is the AuditSourceID (the node), {@code siteId} its enterprise site or null. */
    public String toXml(String sourceId, String siteId) {
        StringWriter out = new StringWriter(1024);
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            x.writeStartElement("AuditMessage");
            x.writeStartElement("EventIdentification");
            if (action != null) x.writeAttribute("EventActionCode", action);
            x.writeAttribute("EventDateTime", DateTimeFormatter.ISO_INSTANT.format(time));
            x.writeAttribute("EventOutcomeIndicator", Integer.toString(outcome));
            code(x, "EventID", eventId);
            for (Code t : eventTypes) code(x, "EventTypeCode", t);
            if (outcomeDescription != null) element(x, "EventOutcomeDescription", outcomeDescription);
            x.writeEndElement();
            for (Participant p : participants) {
                x.writeStartElement("ActiveParticipant");
                x.writeAttribute("UserID", clean(p.userId()));
                if (p.alternativeUserId() != null) x.writeAttribute("AlternativeUserID", clean(p.alternativeUserId()));
                if (p.userName() != null) x.writeAttribute("UserName", clean(p.userName()));
                x.writeAttribute("UserIsRequestor", Boolean.toString(p.requestor()));
                if (p.networkAddress() != null) {
                    x.writeAttribute("NetworkAccessPointID", p.networkAddress());
                    x.writeAttribute("NetworkAccessPointTypeCode", "2");
                }
                for (Code r : p.roles()) code(x, "RoleIDCode", r);
                x.writeEndElement();
            }
            x.writeStartElement("AuditSourceIdentification");
            if (siteId != null) x.writeAttribute("AuditEnterpriseSiteID", siteId);
            x.writeAttribute("AuditSourceID", sourceId);
            x.writeEmptyElement("AuditSourceTypeCode");
            x.writeAttribute("csd-code", "4"); // application server process
            x.writeEndElement();
            for (ParticipantObject o : objects) object(x, o);
            x.writeEndElement();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write an audit message", e);
        }
        return out.toString();
    }

    private static void object(XMLStreamWriter x, ParticipantObject o) throws XMLStreamException {
        x.writeStartElement("ParticipantObjectIdentification");
        x.writeAttribute("ParticipantObjectID", clean(o.id()));
        x.writeAttribute("ParticipantObjectTypeCode", Integer.toString(o.type()));
        x.writeAttribute("ParticipantObjectTypeCodeRole", Integer.toString(o.role()));
        code(x, "ParticipantObjectIDTypeCode", o.idType());
        if (o.name() != null) element(x, "ParticipantObjectName", o.name());
        else element(x, "ParticipantObjectQuery", Base64.getEncoder().encodeToString(o.query()));
        for (Map.Entry<String, String> d : o.details().entrySet()) {
            x.writeEmptyElement("ParticipantObjectDetail");
            x.writeAttribute("type", d.getKey());
            x.writeAttribute("value", Base64.getEncoder().encodeToString(
                    d.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        if (!o.sopClasses().isEmpty() || !o.accessions().isEmpty()) {
            x.writeStartElement("ParticipantObjectDescription");
            for (String accession : o.accessions()) {
                x.writeEmptyElement("Accession");
                x.writeAttribute("Number", clean(accession));
            }
            for (Map.Entry<String, List<String>> c : o.sopClasses().entrySet()) {
                x.writeStartElement("SOPClass");
                x.writeAttribute("UID", c.getKey());
                x.writeAttribute("NumberOfInstances", Integer.toString(c.getValue().size()));
                for (String uid : c.getValue()) {
                    x.writeEmptyElement("Instance");
                    x.writeAttribute("UID", uid);
                }
                x.writeEndElement();
            }
            x.writeEndElement();
        }
        x.writeEndElement();
    }

    private static void code(XMLStreamWriter x, String name, Code c) throws XMLStreamException {
        x.writeEmptyElement(name);
        x.writeAttribute("csd-code", c.code());
        x.writeAttribute("codeSystemName", c.system());
        x.writeAttribute("originalText", c.meaning());
    }

    /** Received values may hold characters XML 1.0 cannot carry (controls): they become U+FFFD. */
    private static String clean(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
                if (b == null) b = new StringBuilder(s);
                b.setCharAt(i, '\uFFFD');
            }
        }
        return b == null ? s : b.toString();
    }

    private static void element(XMLStreamWriter x, String name, String text) throws XMLStreamException {
        x.writeStartElement(name);
        x.writeCharacters(clean(text));
        x.writeEndElement();
    }
}
