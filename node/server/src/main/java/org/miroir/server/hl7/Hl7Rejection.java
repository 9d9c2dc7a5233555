package org.miroir.server.hl7;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.Location;

/**
 * A message Miroir does not apply, with the acknowledgement it gets: AR when the message as a whole is not for this
 * receiver or the receiver cannot take it now (unsupported type, event, version or processing ID; storage
 * unavailable: the sender may try again), AE when its content is in error (missing or malformed fields, an order
 * that does not exist or may no longer change). The HL7 error code and location go to the ERR segment. Messages
 * must not carry patient data: they are logged.
 */
final class Hl7Rejection extends HL7Exception {
    private static final long serialVersionUID = 1L;

    final transient AcknowledgmentCode ack;

    Hl7Rejection(AcknowledgmentCode ack, ErrorCode code, String message) {
        super(message, code);
        this.ack = ack;
    }

    Hl7Rejection(AcknowledgmentCode ack, ErrorCode code, String message, Throwable cause) {
        super(message, code, cause);
        this.ack = ack;
    }

    static Hl7Rejection error(ErrorCode code, String message) {
        return new Hl7Rejection(AcknowledgmentCode.AE, code, message);
    }

    static Hl7Rejection reject(ErrorCode code, String message) {
        return new Hl7Rejection(AcknowledgmentCode.AR, code, message);
    }

    /** AE 101: a required field is empty; {@code segment}-{@code field} is where. */
    static Hl7Rejection missing(String segment, int field, String name) {
        Hl7Rejection r = error(ErrorCode.REQUIRED_FIELD_MISSING, segment + "-" + field + " " + name + " is required");
        r.setLocation(new Location().withSegmentName(segment).withField(field));
        return r;
    }

    /** AE 102: a field's value cannot be used. */
    static Hl7Rejection invalid(String segment, int field, String what) {
        Hl7Rejection r = error(ErrorCode.DATA_TYPE_ERROR, segment + "-" + field + " " + what);
        r.setLocation(new Location().withSegmentName(segment).withField(field));
        return r;
    }
}
