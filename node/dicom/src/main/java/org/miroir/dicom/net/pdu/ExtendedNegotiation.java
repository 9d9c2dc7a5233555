package org.miroir.dicom.net.pdu;

import java.util.Arrays;

/** SOP class extended negotiation sub-item (PS3.7 D.3.3.5): service-class specific bytes for one SOP class. */
public record ExtendedNegotiation(String sopClassUid, byte[] info) {
    public ExtendedNegotiation {
        info = info.clone();
    }

    @Override
    public byte[] info() { return info.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExtendedNegotiation e && e.sopClassUid.equals(sopClassUid) && Arrays.equals(e.info, info);
    }

    @Override
    public int hashCode() { return sopClassUid.hashCode() * 31 + Arrays.hashCode(info); }

    @Override
    public String toString() { return "ExtendedNegotiation[" + sopClassUid + ", " + Arrays.toString(info) + "]"; }
}
