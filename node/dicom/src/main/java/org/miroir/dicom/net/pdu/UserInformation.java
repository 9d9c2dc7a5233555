package org.miroir.dicom.net.pdu;

import java.util.List;

/**
 * User information item (PS3.8 9.3.2.3, PS3.7 D.3.3) of an A-ASSOCIATE-RQ or -AC.
 *
 * @param maxPduLength the largest P-DATA-TF PDU (its length field) the sender can receive; 0 = unlimited
 * @param asyncOpsWindow null when absent (synchronous operations)
 * @param userIdentityRQ only in requests, null when absent
 * @param userIdentityAC only in accepts, null when absent
 */
public record UserInformation(
        long maxPduLength,
        String implementationClassUid,
        String implementationVersionName,
        AsyncOpsWindow asyncOpsWindow,
        List<RoleSelection> roleSelections,
        List<ExtendedNegotiation> extendedNegotiations,
        List<CommonExtendedNegotiation> commonExtendedNegotiations,
        UserIdentityRQ userIdentityRQ,
        UserIdentityAC userIdentityAC) {

    public UserInformation {
        if (maxPduLength < 0 || maxPduLength > 0xFFFFFFFFL) throw new IllegalArgumentException("max PDU length " + maxPduLength);
        roleSelections = List.copyOf(roleSelections);
        extendedNegotiations = List.copyOf(extendedNegotiations);
        commonExtendedNegotiations = List.copyOf(commonExtendedNegotiations);
    }

    public RoleSelection roleSelectionFor(String sopClassUid) {
        for (RoleSelection r : roleSelections) if (r.sopClassUid().equals(sopClassUid)) return r;
        return null;
    }

    public ExtendedNegotiation extendedNegotiationFor(String sopClassUid) {
        for (ExtendedNegotiation e : extendedNegotiations) if (e.sopClassUid().equals(sopClassUid)) return e;
        return null;
    }
}
