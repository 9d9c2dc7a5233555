package org.miroir.dicom.net;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local DICOM application entity: its AE title, whom it accepts (calling AE titles and remote hosts; null =
 * anyone), its transfer capabilities, and one {@link DimseHandler} per SOP class serving the requests on
 * presentation contexts of that abstract syntax ({@code "*"} = any SOP class without a handler of its own).
 * C-ECHO on Verification is answered with success when no handler is set. Safe to share between event loops.
 */
public final class ApplicationEntity {
    private final String aeTitle;
    private volatile Set<String> acceptedCallingAETitles;
    private volatile Set<String> acceptedHosts;
    private final List<TransferCapability> transferCapabilities = new CopyOnWriteArrayList<>();
    private final Map<String, DimseHandler> handlers = new ConcurrentHashMap<>();
    private volatile UserIdentityNegotiator userIdentityNegotiator;
    private volatile CallerCheck callerCheck;

    /**
     * A decision on the calling AE title and host together (e.g. an AE registered with the host it must call from),
     * taken after the title and host lists; runs on the event loop.
     */
    @FunctionalInterface
    public interface CallerCheck {
        /** The rejection for this caller, or null to go on with the association. */
        org.miroir.dicom.net.pdu.AAssociateRJ check(String callingAETitle, String remoteHost);
    }

    public ApplicationEntity(String aeTitle) {
        if (aeTitle == null || aeTitle.isBlank() || aeTitle.length() > 16 || aeTitle.contains("\\"))
            throw new IllegalArgumentException("invalid AE title '" + aeTitle + "'");
        this.aeTitle = aeTitle.strip();
    }

    public String getAETitle() { return aeTitle; }

    /** Null (the default) accepts any calling AE title; otherwise a request from another one is rejected (reason 3). */
    public ApplicationEntity setAcceptedCallingAETitles(Collection<String> aets) {
        this.acceptedCallingAETitles = aets == null ? null : Set.copyOf(aets);
        return this;
    }

    public ApplicationEntity setAcceptedCallingAETitles(String... aets) {
        return setAcceptedCallingAETitles(List.of(aets));
    }

    public boolean isAcceptedCallingAETitle(String aet) {
        Set<String> s = acceptedCallingAETitles;
        return s == null || s.contains(aet);
    }

    /** Null (the default) accepts any host; otherwise only these IP addresses (as {@code SocketAddress.hostAddress()}). */
    public ApplicationEntity setAcceptedHosts(Collection<String> hosts) {
        this.acceptedHosts = hosts == null ? null : Set.copyOf(hosts);
        return this;
    }

    public boolean isAcceptedHost(String hostAddress) {
        Set<String> s = acceptedHosts;
        return s == null || s.contains(hostAddress);
    }

    public CallerCheck getCallerCheck() { return callerCheck; }

    /** Null (the default): no check beyond the title and host lists. */
    public ApplicationEntity setCallerCheck(CallerCheck check) {
        this.callerCheck = check;
        return this;
    }

    public ApplicationEntity addTransferCapability(TransferCapability tc) {
        transferCapabilities.add(tc);
        return this;
    }

    public List<TransferCapability> getTransferCapabilities() { return List.copyOf(transferCapabilities); }

    /** The capability for this SOP class and role: the one naming it, else a {@code "*"} one, else null. */
    public TransferCapability transferCapability(String sopClassUid, TransferCapability.Role role) {
        TransferCapability any = null;
        for (TransferCapability tc : transferCapabilities) {
            if (tc.role() != role) continue;
            if (tc.sopClassUid().equals(sopClassUid)) return tc;
            if (any == null && tc.sopClassUid().equals(TransferCapability.ANY)) any = tc;
        }
        return any;
    }

    /** Sets the handler for requests on presentation contexts of {@code sopClassUid} ({@code "*"}: any other). */
    public ApplicationEntity setHandler(String sopClassUid, DimseHandler handler) {
        handlers.put(sopClassUid, handler);
        return this;
    }

    /** Adds an SCP transfer capability and its handler in one go. */
    public ApplicationEntity addService(String sopClassUid, DimseHandler handler, String... transferSyntaxes) {
        addTransferCapability(TransferCapability.scp(sopClassUid, transferSyntaxes));
        return setHandler(sopClassUid, handler);
    }

    /** The handler for a SOP class, the {@code "*"} one, or null. */
    public DimseHandler handler(String sopClassUid) {
        DimseHandler h = handlers.get(sopClassUid);
        return h != null ? h : handlers.get(TransferCapability.ANY);
    }

    public UserIdentityNegotiator getUserIdentityNegotiator() { return userIdentityNegotiator; }

    /** Null (the default) ignores user identity sub-items, as PS3.7 D.3.3.7 allows. */
    public ApplicationEntity setUserIdentityNegotiator(UserIdentityNegotiator negotiator) {
        this.userIdentityNegotiator = negotiator;
        return this;
    }

    @Override
    public String toString() { return "ApplicationEntity[" + aeTitle + "]"; }
}
