package org.miroir.dicom.net.dimse;

import io.vertx.core.buffer.Buffer;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.io.ReadLimits;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Builds, encodes and decodes DIMSE command sets (PS3.7 9.3, 10.3): always implicit VR little endian. */
public final class Commands {
    private Commands() {}

    /** (0000,0800) value meaning "no data set follows". */
    public static final int NO_DATA_SET = 0x0101;
    /** Any other (0000,0800) value means a data set follows; dcmtk and dcm4che send 0x0000 or 0x0001. */
    public static final int DATA_SET_PRESENT = 0x0000;

    public static final int PRIORITY_MEDIUM = 0;
    public static final int PRIORITY_HIGH = 1;
    public static final int PRIORITY_LOW = 2;

    /** Commands are small; anything larger is a hostile or broken peer. */
    public static final ReadLimits LIMITS = ReadLimits.DEFAULT.withMaxTotalBytes(64 * 1024).withMaxDepth(1).withMaxElements(256);

    // ------------------------------------------------------------------ requests

    public static Attributes cEchoRQ(int msgId, String cuid) {
        return request(Dimse.C_ECHO_RQ, msgId, cuid, null, false);
    }

    public static Attributes cStoreRQ(int msgId, String cuid, String iuid, int priority,
                                      String moveOriginatorAET, int moveOriginatorMsgId) {
        Attributes cmd = request(Dimse.C_STORE_RQ, msgId, cuid, iuid, true);
        cmd.setInt(Tag.Priority, VR.US, priority);
        if (moveOriginatorAET != null) {
            cmd.setString(Tag.MoveOriginatorApplicationEntityTitle, VR.AE, moveOriginatorAET);
            cmd.setInt(Tag.MoveOriginatorMessageID, VR.US, moveOriginatorMsgId);
        }
        return cmd;
    }

    public static Attributes cFindRQ(int msgId, String cuid, int priority) {
        Attributes cmd = request(Dimse.C_FIND_RQ, msgId, cuid, null, true);
        cmd.setInt(Tag.Priority, VR.US, priority);
        return cmd;
    }

    public static Attributes cMoveRQ(int msgId, String cuid, int priority, String destination) {
        Attributes cmd = request(Dimse.C_MOVE_RQ, msgId, cuid, null, true);
        cmd.setInt(Tag.Priority, VR.US, priority);
        cmd.setString(Tag.MoveDestination, VR.AE, destination);
        return cmd;
    }

    public static Attributes cGetRQ(int msgId, String cuid, int priority) {
        Attributes cmd = request(Dimse.C_GET_RQ, msgId, cuid, null, true);
        cmd.setInt(Tag.Priority, VR.US, priority);
        return cmd;
    }

    /** C-CANCEL-RQ (PS3.7 9.3.2.3) for the request with {@code msgIdToCancel}. */
    public static Attributes cCancelRQ(int msgIdToCancel) {
        Attributes cmd = new Attributes(4);
        cmd.setInt(Tag.CommandField, VR.US, Dimse.C_CANCEL_RQ.commandField());
        cmd.setInt(Tag.MessageIDBeingRespondedTo, VR.US, msgIdToCancel);
        cmd.setInt(Tag.CommandDataSetType, VR.US, NO_DATA_SET);
        return cmd;
    }

    public static Attributes nEventReportRQ(int msgId, String cuid, String iuid, int eventTypeId, boolean dataset) {
        Attributes cmd = request(Dimse.N_EVENT_REPORT_RQ, msgId, cuid, iuid, dataset);
        cmd.setInt(Tag.EventTypeID, VR.US, eventTypeId);
        return cmd;
    }

    /** @param tags the attributes to get; null or empty for all */
    public static Attributes nGetRQ(int msgId, String cuid, String iuid, int[] tags) {
        Attributes cmd = request(Dimse.N_GET_RQ, msgId, cuid, iuid, false);
        if (tags != null && tags.length > 0) cmd.setInt(Tag.AttributeIdentifierList, VR.AT, tags);
        return cmd;
    }

    public static Attributes nSetRQ(int msgId, String cuid, String iuid) {
        return request(Dimse.N_SET_RQ, msgId, cuid, iuid, true);
    }

    public static Attributes nActionRQ(int msgId, String cuid, String iuid, int actionTypeId, boolean dataset) {
        Attributes cmd = request(Dimse.N_ACTION_RQ, msgId, cuid, iuid, dataset);
        cmd.setInt(Tag.ActionTypeID, VR.US, actionTypeId);
        return cmd;
    }

    /** @param iuid null lets the SCP assign the instance UID */
    public static Attributes nCreateRQ(int msgId, String cuid, String iuid, boolean dataset) {
        return request(Dimse.N_CREATE_RQ, msgId, cuid, iuid, dataset);
    }

    public static Attributes nDeleteRQ(int msgId, String cuid, String iuid) {
        return request(Dimse.N_DELETE_RQ, msgId, cuid, iuid, false);
    }

    private static Attributes request(Dimse dimse, int msgId, String cuid, String iuid, boolean dataset) {
        Attributes cmd = new Attributes(10);
        cmd.setString(dimse.sopClassTag(), VR.UI, cuid);
        cmd.setInt(Tag.CommandField, VR.US, dimse.commandField());
        cmd.setInt(Tag.MessageID, VR.US, msgId);
        cmd.setInt(Tag.CommandDataSetType, VR.US, dataset ? DATA_SET_PRESENT : NO_DATA_SET);
        if (iuid != null) cmd.setString(dimse.sopInstanceTag(), VR.UI, iuid);
        return cmd;
    }

    // ------------------------------------------------------------------ responses

    /**
     * The response to {@code rq}: Command Field, Message ID Being Responded To, the Affected SOP Class/Instance UID
     * taken from the request's Affected or Requested ones, then {@code extra}'s elements (Status, Error Comment,
     * counts...), which win.
     */
    public static Attributes response(Attributes rq, Attributes extra, boolean dataset) {
        Dimse dimse = dimseOf(rq);
        Attributes cmd = new Attributes(12);
        String cuid = rq.getString(dimse.sopClassTag());
        if (cuid != null) cmd.setString(Tag.AffectedSOPClassUID, VR.UI, cuid);
        cmd.setInt(Tag.CommandField, VR.US, dimse.response().commandField());
        cmd.setInt(Tag.MessageIDBeingRespondedTo, VR.US, rq.getInt(Tag.MessageID, 0));
        cmd.setInt(Tag.CommandDataSetType, VR.US, dataset ? DATA_SET_PRESENT : NO_DATA_SET);
        String iuid = rq.getString(dimse.sopInstanceTag());
        if (iuid != null && dimse != Dimse.C_FIND_RQ && dimse != Dimse.C_MOVE_RQ && dimse != Dimse.C_GET_RQ)
            cmd.setString(Tag.AffectedSOPInstanceUID, VR.UI, iuid);
        if (extra != null) cmd.addAll(extra.subset(0x00000001, 0x00010000));
        if (!cmd.contains(Tag.Status)) cmd.setInt(Tag.Status, VR.US, 0);
        return cmd;
    }

    // ------------------------------------------------------------------ access

    public static Dimse dimseOf(Attributes cmd) {
        Dimse d = Dimse.valueOf(cmd.getInt(Tag.CommandField, -1));
        if (d == null) throw new IllegalArgumentException(String.format("unknown Command Field %04XH", cmd.getInt(Tag.CommandField, -1)));
        return d;
    }

    public static boolean hasDataset(Attributes cmd) {
        return cmd.getInt(Tag.CommandDataSetType, NO_DATA_SET) != NO_DATA_SET;
    }

    public static int status(Attributes cmd) { return cmd.getInt(Tag.Status, -1); }

    // ------------------------------------------------------------------ codec

    /** The command set with its Command Group Length, implicit VR little endian. */
    public static Buffer encode(Attributes cmd) {
        return Buffer.buffer(DicomOutputStream.encodeCommand(cmd));
    }

    /** Decodes a command set; fails when it is malformed or not a known DIMSE command. */
    public static Attributes decode(Buffer bytes) throws IOException {
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(bytes.getBytes()),
                UID.ImplicitVRLittleEndian)) {
            Attributes cmd = in.withLimits(LIMITS).readDataset();
            if (!cmd.contains(Tag.CommandField)) throw new IOException("command without Command Field (0000,0100)");
            if (Dimse.valueOf(cmd.getInt(Tag.CommandField, -1)) == null)
                throw new IOException(String.format("unknown Command Field %04XH", cmd.getInt(Tag.CommandField, -1)));
            for (int i = 0; i < cmd.size(); i++) {
                if ((cmd.tagAt(i) >>> 16) != 0) throw new IOException("element outside group 0000 in a command set");
            }
            return cmd;
        } catch (RuntimeException e) {
            throw new IOException("malformed command set: " + e.getMessage(), e);
        }
    }

    /** One line for logs, e.g. "C-STORE-RQ[id=3, cuid=..., iuid=...]". */
    public static String toString(Attributes cmd) {
        Dimse d = Dimse.valueOf(cmd.getInt(Tag.CommandField, -1));
        if (d == null) return "command" + cmd;
        StringBuilder sb = new StringBuilder(d.displayName()).append('[');
        if (d.isResponse()) {
            sb.append("rsp-to=").append(cmd.getInt(Tag.MessageIDBeingRespondedTo, -1));
            sb.append(String.format(", status=%04XH", cmd.getInt(Tag.Status, -1)));
        } else if (d == Dimse.C_CANCEL_RQ) {
            sb.append("cancel=").append(cmd.getInt(Tag.MessageIDBeingRespondedTo, -1));
        } else {
            sb.append("id=").append(cmd.getInt(Tag.MessageID, -1));
        }
        String cuid = cmd.getString(d.sopClassTag());
        if (cuid != null) sb.append(", cuid=").append(cuid);
        String iuid = cmd.getString(d.sopInstanceTag());
        if (iuid != null) sb.append(", iuid=").append(iuid);
        return sb.append(']').toString();
    }
}
