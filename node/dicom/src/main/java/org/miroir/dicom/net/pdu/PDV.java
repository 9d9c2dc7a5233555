package org.miroir.dicom.net.pdu;

import io.vertx.core.buffer.Buffer;

/**
 * A presentation data value item (PS3.8 9.3.5.1, E.2): a fragment of a DIMSE command or data set.
 * {@code data} may be a slice of the received PDU; treat it as read-only.
 */
public record PDV(int pcid, boolean command, boolean last, Buffer data) {
    /** Message control header bit 0: the fragment belongs to a command (else a data set). */
    public static final int COMMAND = 0x01;
    /** Message control header bit 1: the last fragment of its command or data set. */
    public static final int LAST = 0x02;

    /** Length of an item's header in a P-DATA-TF: item length (4), context id (1), control header (1). */
    public static final int HEADER_LENGTH = 6;

    public int controlHeader() { return (command ? COMMAND : 0) | (last ? LAST : 0); }

    @Override
    public String toString() {
        return "PDV[pc=" + pcid + (command ? ", command" : ", data") + (last ? ", last" : "") + ", " + data.length() + " bytes]";
    }
}
