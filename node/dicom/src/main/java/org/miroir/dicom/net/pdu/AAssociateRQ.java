package org.miroir.dicom.net.pdu;

import java.util.List;

/** A-ASSOCIATE-RQ (PS3.8 9.3.2). */
public record AAssociateRQ(
        int protocolVersion,
        String calledAETitle,
        String callingAETitle,
        String applicationContext,
        List<PresentationContextRQ> presentationContexts,
        UserInformation userInformation) implements Pdu {

    /** The DICOM application context name (PS3.7 A.2.1). */
    public static final String DICOM_APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";

    public AAssociateRQ {
        presentationContexts = List.copyOf(presentationContexts);
    }

    public PresentationContextRQ presentationContext(int id) {
        for (PresentationContextRQ pc : presentationContexts) if (pc.id() == id) return pc;
        return null;
    }

    @Override
    public int type() { return A_ASSOCIATE_RQ; }
}
