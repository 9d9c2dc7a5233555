package org.miroir.dicom.net.dimse;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;

/**
 * A DIMSE response: its command set and its data set (null when none). Received responses carry the whole
 * command; a service handler returns one built with {@link #of(Status)} and the {@code with...} methods, and the
 * toolkit adds the rest (Command Field, Message ID Being Responded To, Affected SOP Class/Instance UID).
 */
public record DimseResponse(Attributes command, Attributes dataset) {

    public static DimseResponse of(Status status) {
        Attributes cmd = new Attributes(6);
        cmd.setInt(Tag.Status, VR.US, status.code());
        if (status.errorComment() != null) cmd.setString(Tag.ErrorComment, VR.LO, status.errorComment());
        return new DimseResponse(cmd, null);
    }

    public DimseResponse withDataset(Attributes ds) { return new DimseResponse(command, ds); }

    /** Sub-operation counts of C-MOVE/C-GET responses; a negative {@code remaining} leaves it out (final responses). */
    public DimseResponse withCounts(int remaining, int completed, int failed, int warning) {
        Attributes cmd = new Attributes(command);
        if (remaining >= 0) cmd.setInt(Tag.NumberOfRemainingSuboperations, VR.US, remaining);
        else cmd.remove(Tag.NumberOfRemainingSuboperations);
        cmd.setInt(Tag.NumberOfCompletedSuboperations, VR.US, completed);
        cmd.setInt(Tag.NumberOfFailedSuboperations, VR.US, failed);
        cmd.setInt(Tag.NumberOfWarningSuboperations, VR.US, warning);
        return new DimseResponse(cmd, dataset);
    }

    /** E.g. the SOP Instance UID an N-CREATE SCP assigned. */
    public DimseResponse withAffectedSopInstanceUid(String iuid) {
        Attributes cmd = new Attributes(command);
        cmd.setString(Tag.AffectedSOPInstanceUID, VR.UI, iuid);
        return new DimseResponse(cmd, dataset);
    }

    public int status() { return command.getInt(Tag.Status, -1); }

    public Status.Category category() { return Status.categoryOf(status()); }

    public boolean isPending() { return category() == Status.Category.PENDING; }

    public String errorComment() { return command.getString(Tag.ErrorComment); }

    public String affectedSopInstanceUid() { return command.getString(Tag.AffectedSOPInstanceUID); }

    /** -1 when absent. */
    public int remaining() { return command.getInt(Tag.NumberOfRemainingSuboperations, -1); }

    public int completed() { return command.getInt(Tag.NumberOfCompletedSuboperations, -1); }

    public int failed() { return command.getInt(Tag.NumberOfFailedSuboperations, -1); }

    public int warning() { return command.getInt(Tag.NumberOfWarningSuboperations, -1); }

    @Override
    public String toString() { return Commands.toString(command) + (dataset == null ? "" : " + data set"); }
}
