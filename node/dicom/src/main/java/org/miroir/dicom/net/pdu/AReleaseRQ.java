package org.miroir.dicom.net.pdu;

/** A-RELEASE-RQ (PS3.8 9.3.6): carries no parameters. */
public record AReleaseRQ() implements Pdu {
    public static final AReleaseRQ INSTANCE = new AReleaseRQ();

    @Override
    public int type() { return A_RELEASE_RQ; }
}
