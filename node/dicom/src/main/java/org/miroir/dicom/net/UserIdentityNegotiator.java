package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import org.miroir.dicom.net.pdu.AAssociateRQ;
import org.miroir.dicom.net.pdu.UserIdentityRQ;

/** Checks the user identity of an association request (PS3.7 D.3.3.7); runs on the event loop, so must not block. */
@FunctionalInterface
public interface UserIdentityNegotiator {
    /**
     * Completes with the server response for the A-ASSOCIATE-AC when the requestor asked for one (an empty array
     * is fine), or null to send no user identity sub-item; fails with an {@link AssociationRejectedException} to
     * reject the association (any other failure rejects it with "no reason given").
     */
    Future<byte[]> negotiate(AAssociateRQ rq, UserIdentityRQ identity, SocketAddress remote);
}
