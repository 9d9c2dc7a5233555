package org.miroir.dicom.net.dimse;

import org.miroir.dicom.data.Tag;

/**
 * DIMSE messages (PS3.7 9, 10) by Command Field value, with the command elements that name the SOP class and
 * instance (Affected for C-services, N-EVENT-REPORT, N-CREATE and all responses; Requested for N-GET, N-SET,
 * N-ACTION and N-DELETE requests).
 */
public enum Dimse {
    C_STORE_RQ(0x0001, true),
    C_STORE_RSP(0x8001, true),
    C_GET_RQ(0x0010, true),
    C_GET_RSP(0x8010, true),
    C_FIND_RQ(0x0020, true),
    C_FIND_RSP(0x8020, true),
    C_MOVE_RQ(0x0021, true),
    C_MOVE_RSP(0x8021, true),
    C_ECHO_RQ(0x0030, true),
    C_ECHO_RSP(0x8030, true),
    N_EVENT_REPORT_RQ(0x0100, true),
    N_EVENT_REPORT_RSP(0x8100, true),
    N_GET_RQ(0x0110, false),
    N_GET_RSP(0x8110, true),
    N_SET_RQ(0x0120, false),
    N_SET_RSP(0x8120, true),
    N_ACTION_RQ(0x0130, false),
    N_ACTION_RSP(0x8130, true),
    N_CREATE_RQ(0x0140, true),
    N_CREATE_RSP(0x8140, true),
    N_DELETE_RQ(0x0150, false),
    N_DELETE_RSP(0x8150, true),
    C_CANCEL_RQ(0x0FFF, true);

    private final int commandField;
    private final boolean affected;

    Dimse(int commandField, boolean affected) {
        this.commandField = commandField;
        this.affected = affected;
    }

    public int commandField() { return commandField; }

    public boolean isResponse() { return (commandField & 0x8000) != 0; }

    /** The response to this request; C-CANCEL has none. */
    public Dimse response() {
        if (isResponse() || this == C_CANCEL_RQ) throw new IllegalStateException(this + " has no response");
        return valueOf(commandField | 0x8000);
    }

    /** (0000,0002) Affected or (0000,0003) Requested SOP Class UID. */
    public int sopClassTag() { return affected ? Tag.AffectedSOPClassUID : Tag.RequestedSOPClassUID; }

    /** (0000,1000) Affected or (0000,1001) Requested SOP Instance UID. */
    public int sopInstanceTag() { return affected ? Tag.AffectedSOPInstanceUID : Tag.RequestedSOPInstanceUID; }

    /** True for the requests whose response may be pending (several responses to one request). */
    public boolean hasPendingResponses() {
        return this == C_FIND_RQ || this == C_MOVE_RQ || this == C_GET_RQ;
    }

    /** E.g. "C-STORE-RQ". */
    public String displayName() { return name().replace('_', '-'); }

    /** The message for a Command Field value, or null when unknown. */
    public static Dimse valueOf(int commandField) {
        for (Dimse d : values()) if (d.commandField == commandField) return d;
        return null;
    }
}
