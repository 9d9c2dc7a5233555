package org.miroir.dicom.net.pdu;

/** A-ASSOCIATE-RJ (PS3.8 9.3.4): result, source and reason of a rejected association. */
public record AAssociateRJ(int result, int source, int reason) implements Pdu {
    public static final int RESULT_PERMANENT = 1;
    public static final int RESULT_TRANSIENT = 2;

    public static final int SOURCE_SERVICE_USER = 1;
    public static final int SOURCE_SERVICE_PROVIDER_ACSE = 2;
    public static final int SOURCE_SERVICE_PROVIDER_PRESENTATION = 3;

    // source 1 (service-user)
    public static final int NO_REASON_GIVEN = 1;
    public static final int APPLICATION_CONTEXT_NAME_NOT_SUPPORTED = 2;
    public static final int CALLING_AE_TITLE_NOT_RECOGNIZED = 3;
    public static final int CALLED_AE_TITLE_NOT_RECOGNIZED = 7;
    // source 2 (service-provider, ACSE related)
    public static final int PROTOCOL_VERSION_NOT_SUPPORTED = 2;
    // source 3 (service-provider, presentation related)
    public static final int TEMPORARY_CONGESTION = 1;
    public static final int LOCAL_LIMIT_EXCEEDED = 2;

    public static AAssociateRJ calledAETitleNotRecognized() {
        return new AAssociateRJ(RESULT_PERMANENT, SOURCE_SERVICE_USER, CALLED_AE_TITLE_NOT_RECOGNIZED);
    }

    public static AAssociateRJ callingAETitleNotRecognized() {
        return new AAssociateRJ(RESULT_PERMANENT, SOURCE_SERVICE_USER, CALLING_AE_TITLE_NOT_RECOGNIZED);
    }

    public static AAssociateRJ applicationContextNotSupported() {
        return new AAssociateRJ(RESULT_PERMANENT, SOURCE_SERVICE_USER, APPLICATION_CONTEXT_NAME_NOT_SUPPORTED);
    }

    public static AAssociateRJ noReasonGiven() {
        return new AAssociateRJ(RESULT_PERMANENT, SOURCE_SERVICE_USER, NO_REASON_GIVEN);
    }

    public static AAssociateRJ protocolVersionNotSupported() {
        return new AAssociateRJ(RESULT_PERMANENT, SOURCE_SERVICE_PROVIDER_ACSE, PROTOCOL_VERSION_NOT_SUPPORTED);
    }

    public static AAssociateRJ localLimitExceeded() {
        return new AAssociateRJ(RESULT_TRANSIENT, SOURCE_SERVICE_PROVIDER_PRESENTATION, LOCAL_LIMIT_EXCEEDED);
    }

    @Override
    public int type() { return A_ASSOCIATE_RJ; }

    /** E.g. "A-ASSOCIATE-RJ[permanent, service-user, called-AE-title-not-recognized]". */
    @Override
    public String toString() {
        String res = switch (result) {
            case RESULT_PERMANENT -> "permanent";
            case RESULT_TRANSIENT -> "transient";
            default -> "result " + result;
        };
        String src;
        String why;
        switch (source) {
            case SOURCE_SERVICE_USER -> {
                src = "service-user";
                why = switch (reason) {
                    case NO_REASON_GIVEN -> "no-reason-given";
                    case APPLICATION_CONTEXT_NAME_NOT_SUPPORTED -> "application-context-name-not-supported";
                    case CALLING_AE_TITLE_NOT_RECOGNIZED -> "calling-AE-title-not-recognized";
                    case CALLED_AE_TITLE_NOT_RECOGNIZED -> "called-AE-title-not-recognized";
                    default -> "reason " + reason;
                };
            }
            case SOURCE_SERVICE_PROVIDER_ACSE -> {
                src = "service-provider (ACSE)";
                why = reason == PROTOCOL_VERSION_NOT_SUPPORTED ? "protocol-version-not-supported"
                        : reason == NO_REASON_GIVEN ? "no-reason-given" : "reason " + reason;
            }
            case SOURCE_SERVICE_PROVIDER_PRESENTATION -> {
                src = "service-provider (presentation)";
                why = reason == TEMPORARY_CONGESTION ? "temporary-congestion"
                        : reason == LOCAL_LIMIT_EXCEEDED ? "local-limit-exceeded" : "reason " + reason;
            }
            default -> {
                src = "source " + source;
                why = "reason " + reason;
            }
        }
        return "A-ASSOCIATE-RJ[" + res + ", " + src + ", " + why + "]";
    }
}
