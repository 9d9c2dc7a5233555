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
