package org.miroir.dicom.net.pdu;

import java.util.Arrays;

/** User identity negotiation accept sub-item (PS3.7 D.3.3.7.2). */
public record UserIdentityAC(byte[] serverResponse) {
    public UserIdentityAC {
        serverResponse = serverResponse.clone();
    }

    @Override
    public byte[] serverResponse() { return serverResponse.clone(); }

    @Override
    public boolean equals(Object o) { return o instanceof UserIdentityAC u && Arrays.equals(u.serverResponse, serverResponse); }

    @Override
    public int hashCode() { return Arrays.hashCode(serverResponse); }

    @Override
    public String toString() { return "UserIdentityAC[" + serverResponse.length + " bytes]"; }
}
