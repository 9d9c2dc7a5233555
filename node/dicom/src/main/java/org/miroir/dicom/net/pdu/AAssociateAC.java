package org.miroir.dicom.net.pdu;

import java.util.List;

/** A-ASSOCIATE-AC (PS3.8 9.3.3): the called/calling AE fields echo the request. */
public record AAssociateAC(
        int protocolVersion,
        String calledAETitle,
        String callingAETitle,
        String applicationContext,
        List<PresentationContextAC> presentationContexts,
        UserInformation userInformation) implements Pdu {

    public AAssociateAC {
        presentationContexts = List.copyOf(presentationContexts);
    }

    public PresentationContextAC presentationContext(int id) {
        for (PresentationContextAC pc : presentationContexts) if (pc.id() == id) return pc;
        return null;
    }

    @Override
    public int type() { return A_ASSOCIATE_AC; }
}
