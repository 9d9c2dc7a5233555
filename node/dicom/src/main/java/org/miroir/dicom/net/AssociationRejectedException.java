package org.miroir.dicom.net;

import org.miroir.dicom.net.pdu.AAssociateRJ;

import java.io.IOException;

/** The association was rejected: by the peer (connect fails with it) or by a local negotiator (then sent as RJ). */
public final class AssociationRejectedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient AAssociateRJ rejection;

    public AssociationRejectedException(AAssociateRJ rejection) {
        super(rejection.toString());
        this.rejection = rejection;
    }

    public AAssociateRJ rejection() { return rejection; }
}
