package org.miroir.dicom.net.pdu;

/** A-RELEASE-RP (PS3.8 9.3.7): carries no parameters. */
public record AReleaseRP() implements Pdu {
    public static final AReleaseRP INSTANCE = new AReleaseRP();

    @Override
    public int type() { return A_RELEASE_RP; }
}
