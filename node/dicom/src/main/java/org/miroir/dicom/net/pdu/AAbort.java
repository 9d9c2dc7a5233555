package org.miroir.dicom.net.pdu;

/** A-ABORT (PS3.8 9.3.8): who aborted and, for the service provider, why. */
public record AAbort(int source, int reason) implements Pdu {
    public static final int SOURCE_SERVICE_USER = 0;
    public static final int SOURCE_SERVICE_PROVIDER = 2;

    public static final int REASON_NOT_SPECIFIED = 0;
    public static final int UNRECOGNIZED_PDU = 1;
    public static final int UNEXPECTED_PDU = 2;
    public static final int UNRECOGNIZED_PDU_PARAMETER = 4;
    public static final int UNEXPECTED_PDU_PARAMETER = 5;
    public static final int INVALID_PDU_PARAMETER_VALUE = 6;

    /** An abort by the local service user (reason not significant). */
    public static AAbort byUser() { return new AAbort(SOURCE_SERVICE_USER, REASON_NOT_SPECIFIED); }

    /** An abort by the upper layer itself, e.g. on a protocol error. */
    public static AAbort byProvider(int reason) { return new AAbort(SOURCE_SERVICE_PROVIDER, reason); }

    @Override
    public int type() { return A_ABORT; }

    @Override
    public String toString() {
        String src = switch (source) {
            case SOURCE_SERVICE_USER -> "service-user";
            case SOURCE_SERVICE_PROVIDER -> "service-provider";
            default -> "source " + source;
        };
        if (source != SOURCE_SERVICE_PROVIDER) return "A-ABORT[" + src + "]";
        String why = switch (reason) {
            case REASON_NOT_SPECIFIED -> "reason-not-specified";
            case UNRECOGNIZED_PDU -> "unrecognized-PDU";
            case UNEXPECTED_PDU -> "unexpected-PDU";
            case UNRECOGNIZED_PDU_PARAMETER -> "unrecognized-PDU-parameter";
            case UNEXPECTED_PDU_PARAMETER -> "unexpected-PDU-parameter";
            case INVALID_PDU_PARAMETER_VALUE -> "invalid-PDU-parameter-value";
            default -> "reason " + reason;
        };
        return "A-ABORT[" + src + ", " + why + "]";
    }
}
