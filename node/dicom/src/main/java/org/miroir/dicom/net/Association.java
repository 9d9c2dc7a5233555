package org.miroir.dicom.net;

import org.miroir.dicom.data.UID;
import io.netty.buffer.ByteBuf;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.io.DicomInputStream;
import org.miroir.dicom.io.ReadLimits;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.dicom.net.StateMachine.Action;
import org.miroir.dicom.net.StateMachine.Event;
import org.miroir.dicom.net.StateMachine.State;
import org.miroir.dicom.net.dimse.Commands;
import org.miroir.dicom.net.dimse.Dimse;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.dicom.net.pdu.AAbort;
import org.miroir.dicom.net.pdu.AAssociateAC;
import org.miroir.dicom.net.pdu.AAssociateRJ;
import org.miroir.dicom.net.pdu.AAssociateRQ;
import org.miroir.dicom.net.pdu.AReleaseRP;
import org.miroir.dicom.net.pdu.AReleaseRQ;
import org.miroir.dicom.net.pdu.PDV;
import org.miroir.dicom.net.pdu.PDataTF;
import org.miroir.dicom.net.pdu.Pdu;
import org.miroir.dicom.net.pdu.PduCodec;
import org.miroir.dicom.net.pdu.PduException;
import org.miroir.dicom.net.pdu.PduFramer;
import org.miroir.dicom.net.pdu.PresentationContextAC;
import org.miroir.dicom.net.pdu.PresentationContextRQ;
import org.miroir.dicom.net.pdu.RoleSelection;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One DICOM association over one connection, in either role: the PS3.8 state machine ({@link StateMachine}),
 * DIMSE message assembly and fragmentation, the operations we invoke (SCU API, futures) and the requests we serve
 * (dispatched to the {@link DimseHandler} of the presentation context's SOP class).
 *
 * <p>Everything runs on the event loop of the connection; public methods may be called from any thread. Inbound,
 * the framer yields PDUs, P-DATA-TF yields PDVs, PDVs become a command and then a data set: streamed to the
 * handler for C-STORE ({@link DataStream}, the socket paused while the handler is not ready), assembled in heap
 * (bounded) for everything else. Outbound, messages are queued and sent one at a time (PS3.7 forbids interleaving
 * the fragments of two messages), each fragmented by {@link PDataWriter}.
 */
public final class Association {
    private static final System.Logger LOG = System.getLogger(Association.class.getName());
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final int MAX_COMMAND_LENGTH = 64 * 1024;
    private static final DimseHandler DEFAULT_HANDLER = new DimseHandler() {};

    /** The server or client that owns the association. */
    interface Owner {
        /** Acceptor only: the A-ASSOCIATE-AC for a request, or a failure with an {@link AssociationRejectedException}. */
        Future<AAssociateAC> negotiate(Association as, AAssociateRQ rq);

        void onClosed(Association as);
    }

    private final Vertx vertx;
    private final Context context;
    private final NetSocket socket;
    private final boolean requestor;
    private final String id;
    private final AssociationOptions options;
    private final Owner owner;
    private final List<AssociationListener> listeners;
    private final PduFramer framer;
    private final SocketAddress remote;

    private State state;
    private AAssociateRQ rq;
    private AAssociateAC ac;
    private ApplicationEntity ae;
    private int sendPduLength;
    private int invokeWindow = 1;
    private long artimTimer = -1;
    private long idleTimer = -1;
    private long lastIo = System.nanoTime();
    private boolean opened;
    private boolean discardInput;
    private Throwable closeCause;
    private final Promise<Association> established = Promise.promise();
    private final Promise<Void> closed = Promise.promise();
    private Promise<Void> releasePromise;
    private boolean releaseRequested;

    // inbound
    private boolean inboundPaused;
    private boolean processing;
    private PDataTF currentPData;
    private int pdvIndex;
    private Buffer commandBuffer;
    private int commandPcid;
    private Attributes dataCommand;
    private int dataPcid;
    private DataStream dataStream;
    private DimseRequest streamRequest;
    private Buffer dataBuffer;

    // outbound
    private final ArrayDeque<Outgoing> sendQueue = new ArrayDeque<>();
    private boolean sending;

    // operations we invoked
    private final AtomicInteger messageIds = new AtomicInteger();
    private final Map<Integer, Invocation> outstanding = new HashMap<>();
    private final ArrayDeque<Invocation> waitingForWindow = new ArrayDeque<>();
    private StoreHandler getStoreHandler;

    // requests we serve
    private final Map<Integer, DimseRequest> active = new HashMap<>();
    private final Map<DimseRequest, AsyncResult<DimseResponse>> storeResults = new HashMap<>();

    private record Outgoing(int pcid, Attributes command, DataSource data, String tsuid, Promise<Void> sent) {}

    private static final class Invocation {
        final int msgId;
        final Dimse dimse;
        final String cuid;
        final Attributes command;
        final DataSource data;
        final String requestedTsuid;
        final Handler<DimseResponse> onPending;
        final Promise<DimseResponse> promise = Promise.promise();
        final long start = System.nanoTime();
        int pcid;

        Invocation(int msgId, Dimse dimse, String cuid, Attributes command, DataSource data, String requestedTsuid,
                   Handler<DimseResponse> onPending) {
            this.msgId = msgId;
            this.dimse = dimse;
            this.cuid = cuid;
            this.command = command;
            this.data = data;
            this.requestedTsuid = requestedTsuid;
            this.onPending = onPending;
        }

        /** The command's Affected or Requested SOP Instance UID; null when it names none (C-FIND, C-MOVE, ...). */
        String sopInstanceUid() {
            return command.getString(dimse.sopInstanceTag());
        }
    }

    private Association(Vertx vertx, NetSocket socket, boolean requestor, AssociationOptions options, Owner owner,
                        List<AssociationListener> listeners, ApplicationEntity ae) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.socket = socket;
        this.requestor = requestor;
        this.options = options;
        this.owner = owner;
        this.listeners = listeners;
        this.ae = ae;
        this.remote = socket.remoteAddress();
        this.id = (requestor ? "SCU-" : "SCP-") + SEQ.incrementAndGet();
        this.framer = new PduFramer(options.getMaxPduLengthReceive(), options.getMaxAssociatePduLength());
        this.state = requestor ? State.STA4 : State.STA1;
        socket.handler(this::onData);
        socket.closeHandler(v -> fire(Event.EVT17, null));
        socket.exceptionHandler(e -> LOG.log(Level.DEBUG, () -> this + ": transport error: " + e));
    }

    /** Acceptor side: called on the connection's event loop when a connection arrives (Evt5). */
    static Association accepted(Vertx vertx, NetSocket socket, AssociationOptions options, Owner owner,
                                List<AssociationListener> listeners) {
        Association as = new Association(vertx, socket, false, options, owner, listeners, null);
        as.fire(Event.EVT5, null);
        return as;
    }

    /** Requestor side: called on the connection's event loop once connected (Evt1 done, Evt2 now). */
    static Future<Association> requested(Vertx vertx, NetSocket socket, AssociationOptions options, Owner owner,
                                         List<AssociationListener> listeners, ApplicationEntity ae, AAssociateRQ rq) {
        Association as = new Association(vertx, socket, true, options, owner, listeners, ae);
        as.rq = rq;
        as.fire(Event.EVT2, rq);
        return as.established.future();
    }

    // =================================================================== accessors

    /**
     * Lets the association run to its end when its server shuts down with a grace period (a draining node): Vert.x
     * then hands the connection's shutdown to this no-op handler instead of closing it, and the association's own close,
     * later, really closes it. Only while draining: with the handler set, a first close would be a notice, not a close.
     */
    void keepOpenThroughServerShutdown() {
        socket.shutdownHandler(grace -> LOG.log(Level.DEBUG, () -> this + ": server draining, association continues"));
    }

    /** A short id for logs ("SCP-12"), unique in this JVM. */
    public String id() { return id; }

    public boolean isRequestor() { return requestor; }

    public State state() { return state; }

    public SocketAddress remoteAddress() { return remote; }

    public String callingAETitle() { return rq == null ? null : rq.callingAETitle(); }

    public String calledAETitle() { return rq == null ? null : rq.calledAETitle(); }

    /** The remote AE title: the called one for the requestor, the calling one for the acceptor. */
    public String remoteAETitle() { return rq == null ? null : requestor ? rq.calledAETitle() : rq.callingAETitle(); }

    /** The local application entity: the called one (acceptor), the client's (requestor, may be null). */
    public ApplicationEntity applicationEntity() { return ae; }

    public AAssociateRQ request() { return rq; }

    public AAssociateAC accept() { return ac; }

    /** The largest PDU we send: the peer's maximum, capped by our own. */
    public int maxPduLengthSend() { return sendPduLength; }

    /** Completes when the association is over (Sta1), whatever the reason. */
    public Future<Void> closeFuture() { return closed.future(); }

    /** Operations invoked and not yet answered, and requests being served; for tests and metrics. */
    public int pendingOperations() { return outstanding.size() + waitingForWindow.size() + active.size(); }

    @Override
    public String toString() {
        String aes = rq == null ? "" : " " + rq.callingAETitle() + "->" + rq.calledAETitle();
        return id + aes + " " + remote;
    }

    void setApplicationEntity(ApplicationEntity ae) { this.ae = ae; }

    // =================================================================== state machine

    private void fire(Event event, Object arg) {
        State before = state;
        Action action = StateMachine.action(state, event);
        LOG.log(Level.TRACE, () -> this + ": " + before + " + " + event + " -> " + action);
        switch (action) {
            case AE_2 -> {
                send(rq);
                state = State.STA5;
                startArtim(); // bounds the wait for A-ASSOCIATE-AC/RJ
            }
            case AE_3 -> {
                stopArtim();
                ac = (AAssociateAC) arg;
                state = State.STA6;
                onEstablished();
            }
            case AE_4 -> {
                stopArtim();
                AAssociateRJ rj = (AAssociateRJ) arg;
                LOG.log(Level.INFO, () -> this + ": rejected by peer: " + rj);
                for (AssociationListener l : listeners) l.onAssociationRejected(remote, rq, rj);
                closeCause = new AssociationRejectedException(rj);
                socket.close();
                enterSta1();
            }
            case AE_5 -> {
                state = State.STA2;
                startArtim();
            }
            case AE_6 -> {
                stopArtim();
                state = State.STA3;
                onAssociateRequest((AAssociateRQ) arg);
            }
            case AE_7 -> {
                ac = (AAssociateAC) arg;
                send(ac);
                state = State.STA6;
                onEstablished();
            }
            case AE_8 -> {
                send((AAssociateRJ) arg);
                state = State.STA13;
                startArtim();
            }
            case DT_2, AR_6 -> {
                currentPData = (PDataTF) arg;
                pdvIndex = 0;
            }
            case AR_1 -> {
                send(AReleaseRQ.INSTANCE);
                state = State.STA7;
                startTimer(options.getReleaseTimeoutMillis(), "A-RELEASE-RP");
            }
            case AR_2 -> {
                state = State.STA8;
                startTimer(options.getReleaseTimeoutMillis(), "local work before A-RELEASE-RP");
                maybeAnswerRelease();
            }
            case AR_3 -> {
                stopArtim();
                socket.close();
                enterSta1();
            }
            case AR_4 -> {
                send(AReleaseRP.INSTANCE);
                state = State.STA13;
                startArtim();
            }
            case AR_5, AA_5 -> {
                stopArtim();
                enterSta1();
            }
            case AR_8 -> {
                // Release collision (PS3.8 9.2.2.3): our release primitive answers at once.
                if (requestor) {
                    state = State.STA9;
                    fire(Event.EVT14, null);
                } else {
                    state = State.STA10;
                }
            }
            case AR_9 -> {
                send(AReleaseRP.INSTANCE);
                state = State.STA11;
            }
            case AR_10 -> {
                state = State.STA12;
                fire(Event.EVT14, null);
            }
            case AA_1, AA_7 -> {
                // Protocol errors carry the provider source and a reason so the peer learns what was wrong;
                // a local abort request (Evt15) is a service-user abort.
                AAbort abort = arg instanceof PduException e ? AAbort.byProvider(e.abortReason())
                        : arg instanceof AAbort a ? a
                        : event == Event.EVT15 ? AAbort.byUser() : AAbort.byProvider(AAbort.UNEXPECTED_PDU);
                sendAbort(abort, arg);
            }
            case AA_8 -> {
                AAbort abort = arg instanceof PduException e ? AAbort.byProvider(e.abortReason())
                        : AAbort.byProvider(AAbort.UNEXPECTED_PDU);
                sendAbort(abort, arg);
            }
            case AA_2 -> {
                stopArtim();
                if (event == Event.EVT18 && closeCause == null)
                    closeCause = new AssociationAbortedException("ARTIM timer expired in " + before, null);
                socket.close();
                enterSta1();
            }
            case AA_3 -> {
                AAbort abort = (AAbort) arg;
                LOG.log(Level.INFO, () -> this + ": aborted by peer: " + abort);
                if (closeCause == null) closeCause = new AssociationAbortedException("aborted by peer", abort);
                socket.close();
                enterSta1();
            }
            case AA_4 -> {
                if (closeCause == null) closeCause = new AssociationAbortedException("connection closed by peer in " + before, null);
                enterSta1();
            }
            case AA_6 -> LOG.log(Level.DEBUG, () -> this + ": ignored " + arg + " while awaiting close");
            case NONE -> {
                if (event == Event.EVT17 || event == Event.EVT18) {
                    enterSta1(); // transport gone or timer fired after we were done
                } else {
                    throw new IllegalStateException(event.description() + " not allowed in " + before + " (" + before.description() + ")");
                }
            }
            default -> throw new IllegalStateException("unexpected action " + action);
        }
    }

    private void sendAbort(AAbort abort, Object why) {
        if (why instanceof PduException e) {
            LOG.log(Level.WARNING, () -> this + ": protocol error in " + state + ", sending " + abort + ": " + e.getMessage());
        } else if (why instanceof Pdu p) {
            LOG.log(Level.WARNING, () -> this + ": unexpected " + Pdu.typeName(p.type()) + " in " + state + ", sending " + abort);
        } else {
            LOG.log(Level.INFO, () -> this + ": sending " + abort);
        }
        if (closeCause == null) closeCause = new AssociationAbortedException(
                why instanceof PduException e ? "protocol error: " + e.getMessage() : "aborted locally", abort);
        state = State.STA13;
        discardInput = true;
        framer.clear();
        failInFlight();
        startArtim();
        // The peer should close (PS3.8 AA-1); we close too once the PDU is out rather than wait for ARTIM.
        socket.write(PduCodec.encode(abort)).onComplete(ar -> socket.close());
    }

    private void send(Pdu pdu) {
        lastIo = System.nanoTime();
        socket.write(PduCodec.encode(pdu));
    }

    private void startArtim() { startTimer(options.getArtimTimeoutMillis(), "ARTIM"); }

    private void startTimer(long millis, String what) {
        stopArtim();
        artimTimer = vertx.setTimer(millis, t -> {
            artimTimer = -1;
            LOG.log(Level.INFO, () -> this + ": " + what + " timeout (" + millis + " ms) in " + state);
            if (state == State.STA2 || state == State.STA13) {
                fire(Event.EVT18, null);
            } else if (state != State.STA1) {
                closeCause = new AssociationAbortedException(what + " timeout in " + state, null);
                fire(Event.EVT15, null);
            }
        });
    }

    private void stopArtim() {
        if (artimTimer != -1) {
            vertx.cancelTimer(artimTimer);
            artimTimer = -1;
        }
    }

    private void onEstablished() {
        AAssociateRQ r = rq;
        AAssociateAC a = ac;
        long peerMax = requestor ? a.userInformation().maxPduLength() : r.userInformation().maxPduLength();
        sendPduLength = peerMax == 0 ? options.getMaxPduLengthSend() : (int) Math.min(peerMax, options.getMaxPduLengthSend());
        if (sendPduLength < PDV.HEADER_LENGTH + 2) sendPduLength = options.getMaxPduLengthSend(); // nonsense from the peer
        var window = a.userInformation().asyncOpsWindow();
        invokeWindow = window == null ? 1 : requestor ? window.maxOpsPerformed() : window.maxOpsInvoked();
        opened = true;
        LOG.log(Level.INFO, () -> this + ": established, " + acceptedContexts() + " presentation contexts, max PDU send "
                + sendPduLength + ", window " + invokeWindow);
        for (AssociationListener l : listeners) l.onAssociationOpened(this);
        established.complete(this);
        scheduleIdleCheck(options.getIdleTimeoutMillis());
    }

    private long acceptedContexts() {
        return ac.presentationContexts().stream().filter(PresentationContextAC::isAccepted).count();
    }

    private void onAssociateRequest(AAssociateRQ request) {
        rq = request;
        LOG.log(Level.DEBUG, () -> this + ": A-ASSOCIATE-RQ with " + request.presentationContexts().size() + " presentation contexts");
        Promise<AAssociateAC> decision = Promise.promise();
        long timer = vertx.setTimer(options.getArtimTimeoutMillis(), t -> decision.tryFail(
                new AssociationRejectedException(AAssociateRJ.noReasonGiven())));
        owner.negotiate(this, request).onComplete(ar -> { if (ar.succeeded()) decision.tryComplete(ar.result()); else decision.tryFail(ar.cause()); });
        decision.future().onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (state != State.STA3) return; // aborted or closed meanwhile
            if (ar.succeeded()) {
                fire(Event.EVT7, ar.result());
            } else {
                AAssociateRJ rj = ar.cause() instanceof AssociationRejectedException e ? e.rejection() : AAssociateRJ.noReasonGiven();
                if (!(ar.cause() instanceof AssociationRejectedException))
                    LOG.log(Level.WARNING, () -> this + ": negotiation failed: " + ar.cause());
                LOG.log(Level.INFO, () -> this + ": rejecting: " + rj);
                closeCause = new AssociationRejectedException(rj);
                for (AssociationListener l : listeners) l.onAssociationRejected(remote, request, rj);
                fire(Event.EVT8, rj);
            }
        });
    }

    /** Sta1: the end. Everything still waiting fails; listeners and owner hear of it once. */
    private void enterSta1() {
        if (state == State.STA1 && closed.future().isComplete()) return;
        state = State.STA1;
        stopArtim();
        if (idleTimer != -1) vertx.cancelTimer(idleTimer);
        discardInput = true;
        framer.clear();
        Throwable cause = closeCause;
        failInFlight();
        established.tryFail(cause != null ? cause : new AssociationAbortedException("connection closed", null));
        if (opened) {
            if (cause == null) LOG.log(Level.INFO, () -> this + ": released");
            for (AssociationListener l : listeners) {
                try {
                    l.onAssociationClosed(this, cause);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, this + ": listener failed", e);
                }
            }
        }
        owner.onClosed(this);
        // Last, so that whoever awaits release() finds the listeners and the owner already told.
        if (releasePromise != null) {
            if (cause == null) releasePromise.tryComplete();
            else releasePromise.tryFail(cause);
        }
        closed.tryComplete();
    }

    private void failInFlight() {
        Throwable cause = closeCause != null ? closeCause : new AssociationAbortedException("association closed", null);
        if (dataStream != null) {
            DataStream s = dataStream;
            dataStream = null;
            s.fail(cause);
        }
        for (DimseRequest r : List.copyOf(active.values())) r.cancel();
        List<Invocation> invs = new ArrayList<>(outstanding.values());
        invs.addAll(waitingForWindow);
        outstanding.clear();
        waitingForWindow.clear();
        for (Invocation inv : invs) {
            if (inv.promise.tryFail(cause)) {
                for (AssociationListener l : listeners)
                    l.onDimseCompleted(this, inv.dimse, inv.cuid, inv.sopInstanceUid(), -1,
                            System.nanoTime() - inv.start, true);
            }
        }
        for (Outgoing o : sendQueue) o.sent.tryFail(cause);
        sendQueue.clear();
    }

    // =================================================================== inbound

    private void onData(Buffer data) {
        if (discardInput) return;
        lastIo = System.nanoTime();
        framer.append(data);
        processInbound();
    }

    private void processInbound() {
        if (processing) return;
        processing = true;
        try {
            while (!inboundPaused && !discardInput) {
                if (currentPData != null) {
                    List<PDV> pdvs = currentPData.pdvs();
                    if (pdvIndex < pdvs.size()) {
                        PDV pdv = pdvs.get(pdvIndex);
                        if (!pdv.command() && dataStream != null && !dataStream.canAccept()) {
                            pauseInbound();
                            break;
                        }
                        pdvIndex++;
                        onPdv(pdv);
                        continue;
                    }
                    currentPData = null;
                }
                Pdu pdu;
                try {
                    pdu = framer.next();
                } catch (PduException e) {
                    fire(Event.EVT19, e);
                    break;
                }
                if (pdu == null) break;
                onPdu(pdu);
            }
        } finally {
            processing = false;
        }
    }

    private void onPdu(Pdu pdu) {
        LOG.log(Level.TRACE, () -> this + ": received " + pdu);
        Event e = switch (pdu.type()) {
            case Pdu.A_ASSOCIATE_RQ -> Event.EVT6;
            case Pdu.A_ASSOCIATE_AC -> Event.EVT3;
            case Pdu.A_ASSOCIATE_RJ -> Event.EVT4;
            case Pdu.P_DATA_TF -> Event.EVT10;
            case Pdu.A_RELEASE_RQ -> Event.EVT12;
            case Pdu.A_RELEASE_RP -> Event.EVT13;
            default -> Event.EVT16;
        };
        fire(e, pdu);
    }

    private void pauseInbound() {
        if (!inboundPaused) {
            inboundPaused = true;
            socket.pause();
        }
    }

    /** Called when a C-STORE stream wants data again (or is discarding). */
    void resumeInbound() {
        if (Vertx.currentContext() != context) {
            context.runOnContext(v -> resumeInbound());
            return;
        }
        if (!inboundPaused) return;
        inboundPaused = false;
        socket.resume();
        context.runOnContext(v -> processInbound());
    }

    private void protocolError(int reason, String message) {
        fire(Event.EVT19, new PduException(reason, message));
    }

    private void onPdv(PDV pdv) {
        PresentationContextAC pc = ac.presentationContext(pdv.pcid());
        if (pc == null || !pc.isAccepted()) {
            protocolError(AAbort.INVALID_PDU_PARAMETER_VALUE, "PDV on presentation context " + pdv.pcid() + ", which is not accepted");
            return;
        }
        if (pdv.command()) {
            if (dataCommand != null) {
                protocolError(AAbort.UNEXPECTED_PDU_PARAMETER, "command fragment while a data set is expected");
                return;
            }
            if (commandBuffer == null) {
                commandBuffer = Buffer.buffer(256);
                commandPcid = pdv.pcid();
            } else if (commandPcid != pdv.pcid()) {
                protocolError(AAbort.UNEXPECTED_PDU_PARAMETER, "command fragments on two presentation contexts");
                return;
            }
            if (commandBuffer.length() + pdv.data().length() > MAX_COMMAND_LENGTH) {
                protocolError(AAbort.INVALID_PDU_PARAMETER_VALUE, "command set longer than " + MAX_COMMAND_LENGTH + " bytes");
                return;
            }
            commandBuffer.appendBuffer(pdv.data());
            if (pdv.last()) {
                Buffer b = commandBuffer;
                commandBuffer = null;
                onCommand(pdv.pcid(), b);
            }
            return;
        }
        if (dataCommand == null) {
            protocolError(AAbort.UNEXPECTED_PDU_PARAMETER, "data set fragment without a command announcing it");
            return;
        }
        if (pdv.pcid() != dataPcid) {
            protocolError(AAbort.UNEXPECTED_PDU_PARAMETER, "data set on another presentation context than its command");
            return;
        }
        if (dataStream != null) {
            DataStream s = dataStream;
            s.push(pdv.data());
            if (pdv.last() && dataStream == s) {
                DimseRequest r = streamRequest;
                dataStream = null;
                streamRequest = null;
                dataCommand = null;
                s.end();
                maybeFinishStore(r, s);
            }
            return;
        }
        if (dataBuffer.length() + (long) pdv.data().length() > options.getMaxDatasetLengthInMemory()) {
            protocolError(AAbort.REASON_NOT_SPECIFIED, "data set longer than " + options.getMaxDatasetLengthInMemory() + " bytes");
            return;
        }
        dataBuffer.appendBuffer(pdv.data());
        if (pdv.last()) {
            Attributes cmd = dataCommand;
            Buffer bytes = dataBuffer;
            dataCommand = null;
            dataBuffer = null;
            Attributes ds = null;
            IOException error = null;
            try {
                ds = parseDataset(bytes, transferSyntaxOf(dataPcid));
            } catch (IOException | RuntimeException e) {
                error = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            }
            onMessage(dataPcid, cmd, ds, error);
        }
    }

    private static Attributes parseDataset(Buffer bytes, String tsuid) throws IOException {
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(bytes.getBytes()), tsuid)) {
            return in.withLimits(ReadLimits.DEFAULT.withMaxTotalBytes(bytes.length() * 4L + 1024)).readDataset();
        }
    }

    private void onCommand(int pcid, Buffer bytes) {
        Attributes cmd;
        try {
            cmd = Commands.decode(bytes);
        } catch (IOException e) {
            protocolError(AAbort.INVALID_PDU_PARAMETER_VALUE, e.getMessage());
            return;
        }
        LOG.log(Level.DEBUG, () -> this + ": received " + Commands.toString(cmd));
        if (!Commands.hasDataset(cmd)) {
            onMessage(pcid, cmd, null, null);
            return;
        }
        dataCommand = cmd;
        dataPcid = pcid;
        if (Commands.dimseOf(cmd) == Dimse.C_STORE_RQ) {
            dataStream = new DataStream(this);
            streamRequest = onStoreRequest(pcid, cmd, dataStream);
        } else {
            dataBuffer = Buffer.buffer(1024);
        }
    }

    private String transferSyntaxOf(int pcid) { return ac.presentationContext(pcid).transferSyntax(); }

    private String abstractSyntaxOf(int pcid) {
        PresentationContextRQ pc = rq.presentationContext(pcid);
        return pc == null ? null : pc.abstractSyntax();
    }

    private void onMessage(int pcid, Attributes cmd, Attributes ds, IOException parseError) {
        Dimse dimse = Commands.dimseOf(cmd);
        if (dimse.isResponse()) {
            onResponse(cmd, ds, parseError);
        } else if (dimse == Dimse.C_CANCEL_RQ) {
            DimseRequest r = active.get(cmd.getInt(Tag.MessageIDBeingRespondedTo, -1));
            if (r != null) {
                LOG.log(Level.DEBUG, () -> this + ": C-CANCEL for message " + r.messageId());
                r.cancel();
            }
        } else {
            onRequest(pcid, dimse, cmd, ds, parseError);
        }
    }

    // =================================================================== serving requests

    private DimseRequest newRequest(int pcid, Dimse dimse, Attributes cmd) {
        return new DimseRequest(this, pcid, abstractSyntaxOf(pcid), transferSyntaxOf(pcid), dimse, cmd);
    }

    /** Registers a served request; returns a status to answer at once instead of calling a handler, or null. */
    private Status admit(DimseRequest r) {
        int msgId = r.messageId();
        if (active.containsKey(msgId)) return Status.DUPLICATE_INVOCATION;
        active.put(msgId, r);
        int window = ac.userInformation().asyncOpsWindow() == null ? 1
                : requestor ? ac.userInformation().asyncOpsWindow().maxOpsInvoked() : ac.userInformation().asyncOpsWindow().maxOpsPerformed();
        if (window != 0 && active.size() > window) {
            LOG.log(Level.WARNING, () -> this + ": peer exceeds the asynchronous operations window " + window);
            return Status.RESOURCE_LIMITATION;
        }
        if (!peerMayInvoke(r.abstractSyntax(), r.dimse())) return Status.SOP_CLASS_NOT_SUPPORTED.withComment("role not negotiated");
        return null;
    }

    private DimseHandler handlerFor(String abstractSyntax, Dimse dimse) {
        if (dimse == Dimse.C_STORE_RQ && getStoreHandler != null) return getStoreHandler;
        DimseHandler h = ae == null ? null : ae.handler(abstractSyntax);
        return h != null ? h : DEFAULT_HANDLER;
    }

    private DimseRequest onStoreRequest(int pcid, Attributes cmd, DataStream stream) {
        DimseRequest r = newRequest(pcid, Dimse.C_STORE_RQ, cmd);
        Status refuse = admit(r);
        Future<DimseResponse> f;
        if (refuse != null) {
            f = Future.succeededFuture(DimseResponse.of(refuse));
        } else {
            try {
                f = handlerFor(r.abstractSyntax(), Dimse.C_STORE_RQ).onCStore(r, stream).map(DimseResponse::of);
            } catch (RuntimeException e) {
                f = Future.failedFuture(e);
            }
        }
        f.onComplete(ar -> {
            storeResults.put(r, ar);
            if (!stream.isDone()) stream.discard();
            maybeFinishStore(r, stream);
        });
        return r;
    }

    /** The C-STORE response goes out once the handler answered and the whole data set has arrived. */
    private void maybeFinishStore(DimseRequest r, DataStream stream) {
        if (!stream.isDone() || !storeResults.containsKey(r)) return;
        AsyncResult<DimseResponse> ar = storeResults.remove(r);
        if (state.isEstablished()) finish(r, ar);
    }

    private void onRequest(int pcid, Dimse dimse, Attributes cmd, Attributes ds, IOException parseError) {
        DimseRequest r = newRequest(pcid, dimse, cmd);
        Status refuse = admit(r);
        if (refuse == null && parseError != null) {
            LOG.log(Level.WARNING, () -> this + ": cannot parse the data set of " + Commands.toString(cmd) + ": " + parseError.getMessage());
            refuse = Status.CANNOT_UNDERSTAND.withComment(parseError.getMessage());
        }
        if (refuse == null && ds == null && needsDataset(dimse)) refuse = Status.CANNOT_UNDERSTAND.withComment("data set missing");
        if (refuse != null) {
            finish(r, Future.succeededFuture(DimseResponse.of(refuse)));
            return;
        }
        DimseHandler h = handlerFor(r.abstractSyntax(), dimse);
        Future<DimseResponse> f;
        try {
            f = switch (dimse) {
                case C_ECHO_RQ -> h.onCEcho(r).map(DimseResponse::of);
                case C_FIND_RQ -> h.onCFind(r, ds).map(DimseResponse::of);
                case C_MOVE_RQ -> h.onCMove(r, ds);
                case C_GET_RQ -> h.onCGet(r, ds);
                case N_EVENT_REPORT_RQ -> h.onNEventReport(r, ds);
                case N_GET_RQ -> h.onNGet(r);
                case N_SET_RQ -> h.onNSet(r, ds);
                case N_ACTION_RQ -> h.onNAction(r, ds);
                case N_CREATE_RQ -> h.onNCreate(r, ds);
                case N_DELETE_RQ -> h.onNDelete(r);
                default -> Future.succeededFuture(DimseResponse.of(Status.UNRECOGNIZED_OPERATION));
            };
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> finish(r, ar));
    }

    private static boolean needsDataset(Dimse dimse) {
        return dimse == Dimse.C_FIND_RQ || dimse == Dimse.C_MOVE_RQ || dimse == Dimse.C_GET_RQ || dimse == Dimse.N_SET_RQ;
    }

    /** Role selection (PS3.7 D.3.3.4) for the C-services: may the peer invoke this operation on this SOP class? */
    private boolean peerMayInvoke(String abstractSyntax, Dimse dimse) {
        if (!isCService(dimse)) return true;
        RoleSelection rs = ac.userInformation().roleSelectionFor(abstractSyntax);
        return requestor ? rs != null && rs.scp() : rs == null || rs.scu();
    }

    private boolean mayInvoke(String abstractSyntax, Dimse dimse) {
        if (!isCService(dimse)) return true;
        RoleSelection rs = ac.userInformation().roleSelectionFor(abstractSyntax);
        return requestor ? rs == null || rs.scu() : rs != null && rs.scp();
    }

    private static boolean isCService(Dimse d) {
        return d == Dimse.C_STORE_RQ || d == Dimse.C_FIND_RQ || d == Dimse.C_MOVE_RQ || d == Dimse.C_GET_RQ || d == Dimse.C_ECHO_RQ;
    }

    private void finish(DimseRequest r, AsyncResult<DimseResponse> ar) {
        if (r.finalResponseQueued) return;
        DimseResponse rsp;
        if (ar.succeeded() && ar.result() != null) {
            rsp = ar.result();
        } else {
            Throwable cause = ar.cause();
            if (!r.isCancelled()) LOG.log(Level.WARNING, () -> this + ": handler failed for " + Commands.toString(r.command()) + ": " + cause);
            rsp = DimseResponse.of(Status.UNABLE_TO_PROCESS.withComment(cause == null ? "no response" : String.valueOf(cause.getMessage())));
        }
        if (rsp.isPending()) rsp = DimseResponse.of(Status.UNABLE_TO_PROCESS.withComment("handler returned a pending status"));
        if (r.isCancelled() && r.dimse().hasPendingResponses()
                && (rsp.category() == Status.Category.SUCCESS || (ar.failed()))) {
            rsp = new DimseResponse(DimseResponse.of(Status.CANCEL).command(), null);
        }
        r.finalResponseQueued = true;
        active.remove(r.messageId());
        int status = rsp.status();
        sendResponse(r, rsp).onComplete(x -> {
            for (AssociationListener l : listeners)
                l.onDimseCompleted(this, r.dimse(), r.sopClassUid(), r.sopInstanceUid(), status,
                        System.nanoTime() - r.startNanos, false);
            maybeAnswerRelease();
        });
    }

    /**
     * Sends a (pending or final) response to a served request. The future completes on a later turn of the event
     * loop, never on the caller's stack: a handler chaining pending responses on it then lets inbound PDUs (a
     * C-CANCEL) through between two responses, and its stack does not grow with the number of matches.
     */
    Future<Void> sendResponse(DimseRequest r, DimseResponse rsp) {
        Promise<Void> done = Promise.promise();
        onContext(() -> {
            Attributes cmd = Commands.response(r.command(), rsp.command(), rsp.dataset() != null);
            return sendMessage(r.presentationContextId(), cmd,
                    rsp.dataset() == null ? null : DataSource.of(rsp.dataset()), r.transferSyntax());
        }).onComplete(ar -> context.runOnContext(v -> done.handle(ar)));
        return done.future();
    }

    // =================================================================== outbound messages

    private Future<Void> sendMessage(int pcid, Attributes cmd, DataSource data, String tsuid) {
        Promise<Void> sent = Promise.promise();
        if (!state.isEstablished() || state == State.STA7) {
            sent.fail(new AssociationAbortedException("cannot send " + Commands.toString(cmd) + " in " + state, null));
            return sent.future();
        }
        sendQueue.add(new Outgoing(pcid, cmd, data, tsuid, sent));
        pump();
        return sent.future();
    }

    private void pump() {
        if (sending || sendQueue.isEmpty()) return;
        Outgoing o = sendQueue.poll();
        sending = true;
        LOG.log(Level.DEBUG, () -> this + ": sending " + Commands.toString(o.command()));
        PDataWriter cw = new PDataWriter(this, socket, o.pcid(), true, sendPduLength, false);
        cw.write(Commands.encode(o.command()));
        Future<Void> f = cw.end();
        PDataWriter dw = null;
        if (o.data() != null) {
            boolean deflated = TransferSyntax.isKnown(o.tsuid()) && TransferSyntax.of(o.tsuid()).deflated();
            dw = new PDataWriter(this, socket, o.pcid(), false, sendPduLength, deflated);
            Future<Void> data;
            try {
                data = o.data().writeTo(dw, o.tsuid(), vertx);
            } catch (RuntimeException e) {
                data = Future.failedFuture(e);
            }
            f = Future.all(f, data).mapEmpty();
        }
        PDataWriter dataWriter = dw;
        f.onComplete(ar -> {
            sending = false;
            if (ar.failed()) {
                o.sent().tryFail(ar.cause());
                if (dataWriter != null) dataWriter.discard();
                if (dataWriter != null && state.isEstablished()) {
                    // A data set cannot be taken back once its command is out: the peer would wait forever.
                    LOG.log(Level.WARNING, () -> this + ": data set of " + Commands.toString(o.command()) + " failed: " + ar.cause());
                    closeCause = new AssociationAbortedException("data set source failed: " + ar.cause().getMessage(), null);
                    fire(Event.EVT15, null);
                    return;
                }
            } else {
                o.sent().tryComplete();
            }
            // Writes often complete synchronously: go on from the event loop, not deeper in this stack.
            context.runOnContext(v -> {
                pump();
                maybeAnswerRelease();
            });
        });
    }

    /**
     * P-DATA request primitive (Evt9): DT-1 in Sta6, AR-7 in Sta8; not allowed elsewhere. Takes ownership of
     * {@code pdus} (one or more P-DATA-TF PDUs): the transport releases it once written, or this method if refused.
     */
    Future<Void> writePData(ByteBuf pdus) {
        if (state != State.STA6 && state != State.STA8) {
            pdus.release();
            return Future.failedFuture(new AssociationAbortedException("P-DATA not allowed in " + state, null));
        }
        lastIo = System.nanoTime();
        return ((NetSocketInternal) socket).writeMessage(pdus);
    }

    /**
     * Runs {@code action} on the event loop once it has polled the sockets: a timer, not a queued task, since the
     * event loop runs queued tasks (which may keep queueing more) for up to a second before it reads again.
     */
    void afterInbound(Handler<Void> action) {
        vertx.setTimer(1, t -> action.handle(null));
    }

    private void maybeAnswerRelease() {
        if (state == State.STA8 && active.isEmpty() && !sending && sendQueue.isEmpty() && dataStream == null) {
            fire(Event.EVT14, null);
        }
        if (releaseRequested && state == State.STA6 && outstanding.isEmpty() && waitingForWindow.isEmpty()
                && !sending && sendQueue.isEmpty()) {
            releaseRequested = false;
            fire(Event.EVT11, null);
        }
    }

    // =================================================================== idle timeout

    private void scheduleIdleCheck(long delay) {
        long idle = options.getIdleTimeoutMillis();
        if (idle <= 0) return;
        idleTimer = vertx.setTimer(Math.max(delay, 1), t -> {
            idleTimer = -1;
            if (!state.isEstablished()) return;
            long quietMillis = (System.nanoTime() - lastIo) / 1_000_000;
            if (quietMillis >= idle && active.isEmpty()) {
                LOG.log(Level.INFO, () -> this + ": idle for " + quietMillis + " ms, aborting");
                closeCause = new AssociationAbortedException("idle timeout (" + idle + " ms)", null);
                fire(Event.EVT15, null);
            } else {
                scheduleIdleCheck(active.isEmpty() ? idle - quietMillis : idle);
            }
        });
    }

    // =================================================================== SCU API

    private <T> Future<T> onContext(Supplier<Future<T>> action) {
        if (Vertx.currentContext() == context) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        Promise<T> p = Promise.promise();
        context.runOnContext(v -> {
            try {
                action.get().onComplete(p);
            } catch (RuntimeException e) {
                p.fail(e);
            }
        });
        return p.future();
    }

    private int nextMessageId() {
        int id;
        do {
            id = messageIds.incrementAndGet() & 0xFFFF;
        } while (id == 0);
        return id;
    }

    /** C-ECHO on the Verification SOP class. */
    public Future<DimseResponse> cecho() { return cecho(UID.Verification); }

    public Future<DimseResponse> cecho(String cuid) {
        int msgId = nextMessageId();
        return invoke(new Invocation(msgId, Dimse.C_ECHO_RQ, cuid, Commands.cEchoRQ(msgId, cuid), null, null, null));
    }

    /**
     * C-STORE of a data set encoded in {@code tsuid} (null for an in-memory data set that can be encoded in any).
     * Uses an accepted presentation context with that transfer syntax, else one with a native syntax the data can
     * be converted to.
     */
    public Future<DimseResponse> cstore(String cuid, String iuid, String tsuid, DataSource data) {
        return cstore(cuid, iuid, tsuid, data, Commands.PRIORITY_MEDIUM, null, -1);
    }

    /** C-STORE as a sub-operation of a C-MOVE: with the Move Originator AE title and message id. */
    public Future<DimseResponse> cstore(String cuid, String iuid, String tsuid, DataSource data, int priority,
                                        String moveOriginatorAET, int moveOriginatorMsgId) {
        int msgId = nextMessageId();
        Attributes cmd = Commands.cStoreRQ(msgId, cuid, iuid, priority, moveOriginatorAET, moveOriginatorMsgId);
        return invoke(new Invocation(msgId, Dimse.C_STORE_RQ, cuid, cmd, data, tsuid, null));
    }

    /** C-STORE of a file, streamed from disk (transcoded when the accepted transfer syntax differs). */
    public Future<DimseResponse> cstore(Part10File file) {
        return cstore(file.sopClassUid(), file.sopInstanceUid(), file.transferSyntax(), file);
    }

    /** Opens and sends a file; see {@link Part10File}. */
    public Future<DimseResponse> cstore(Path file) {
        return Part10File.open(vertx, file).compose(this::cstore);
    }

    /** C-FIND: {@code onMatch} gets each pending response's identifier. */
    public DimseCall cfind(String cuid, Attributes keys, Handler<Attributes> onMatch) {
        int msgId = nextMessageId();
        Invocation inv = new Invocation(msgId, Dimse.C_FIND_RQ, cuid, Commands.cFindRQ(msgId, cuid, Commands.PRIORITY_MEDIUM),
                DataSource.of(keys), null, rsp -> {
                    if (rsp.dataset() != null && onMatch != null) onMatch.handle(rsp.dataset());
                });
        return new DimseCall(this, msgId, invoke(inv));
    }

    /** C-MOVE to {@code destination}; {@code onPending} gets the pending responses (counts). */
    public DimseCall cmove(String cuid, String destination, Attributes keys, Handler<DimseResponse> onPending) {
        int msgId = nextMessageId();
        Invocation inv = new Invocation(msgId, Dimse.C_MOVE_RQ, cuid,
                Commands.cMoveRQ(msgId, cuid, Commands.PRIORITY_MEDIUM, destination), DataSource.of(keys), null, onPending);
        return new DimseCall(this, msgId, invoke(inv));
    }

    /**
     * C-GET: the sub-operations arrive as C-STORE requests on this association and go to {@code storeHandler}
     * (propose the storage SOP classes with {@link AssociationRequest#addRoleSelection} SCP role).
     */
    public DimseCall cget(String cuid, Attributes keys, StoreHandler storeHandler, Handler<DimseResponse> onPending) {
        int msgId = nextMessageId();
        Invocation inv = new Invocation(msgId, Dimse.C_GET_RQ, cuid,
                Commands.cGetRQ(msgId, cuid, Commands.PRIORITY_MEDIUM), DataSource.of(keys), null, onPending);
        Future<DimseResponse> f = onContext(() -> {
            getStoreHandler = storeHandler;
            return invoke(inv);
        });
        return new DimseCall(this, msgId, f);
    }

    /** Sends a C-CANCEL-RQ for an outstanding C-FIND, C-MOVE or C-GET. */
    public Future<Void> cancel(int msgId) {
        return onContext(() -> {
            Invocation inv = outstanding.get(msgId);
            if (inv == null) return Future.succeededFuture(); // already answered: nothing to cancel
            return sendMessage(inv.pcid, Commands.cCancelRQ(msgId), null, null);
        });
    }

    public Future<DimseResponse> nEventReport(String cuid, String iuid, int eventTypeId, Attributes info) {
        int msgId = nextMessageId();
        return invoke(new Invocation(msgId, Dimse.N_EVENT_REPORT_RQ, cuid,
                Commands.nEventReportRQ(msgId, cuid, iuid, eventTypeId, info != null), info == null ? null : DataSource.of(info), null, null));
    }

    public Future<DimseResponse> nGet(String cuid, String iuid, int... tags) {
        int msgId = nextMessageId();
        return invoke(new Invocation(msgId, Dimse.N_GET_RQ, cuid, Commands.nGetRQ(msgId, cuid, iuid, tags), null, null, null));
    }

    public Future<DimseResponse> nSet(String cuid, String iuid, Attributes modifications) {
        int msgId = nextMessageId();
        return invoke(new Invocation(msgId, Dimse.N_SET_RQ, cuid, Commands.nSetRQ(msgId, cuid, iuid),
                DataSource.of(modifications), null, null));
    }

    public Future<DimseResponse> nAction(String cuid, String iuid, int actionTypeId, Attributes info) {
        int msgId = nextMessageId();
        return invoke(new Invocation(msgId, Dimse.N_ACTION_RQ, cuid,
                Commands.nActionRQ(msgId, cuid, iuid, actionTypeId, info != null), info == null ? null : DataSource.of(info), null, null));
    }

    /** @param iuid null to let the SCP assign it (see {@link DimseResponse#affectedSopInstanceUid()}) */
    public Future<DimseResponse> nCreate(String cuid, String iuid, Attributes attributes) {
        int msgId = nextMessageId();
        return invoke(new Invocation(msgId, Dimse.N_CREATE_RQ, cuid,
                Commands.nCreateRQ(msgId, cuid, iuid, attributes != null), attributes == null ? null : DataSource.of(attributes), null, null));
    }

    public Future<DimseResponse> nDelete(String cuid, String iuid) {
        int msgId = nextMessageId();
        return invoke(new Invocation(msgId, Dimse.N_DELETE_RQ, cuid, Commands.nDeleteRQ(msgId, cuid, iuid), null, null, null));
    }

    private Future<DimseResponse> invoke(Invocation inv) {
        return onContext(() -> {
            if (state != State.STA6 || releaseRequested)
                return Future.failedFuture(new AssociationAbortedException("association not open for " + inv.dimse.displayName() + " (" + state + ")", null));
            int pcid = selectPresentationContext(inv.cuid, inv.requestedTsuid, inv.dimse);
            if (pcid < 0)
                return Future.failedFuture(new IOException("no accepted presentation context for " + inv.dimse.displayName()
                        + " of " + inv.cuid + (inv.requestedTsuid == null ? "" : " in or convertible from " + inv.requestedTsuid)));
            inv.pcid = pcid;
            if (invokeWindow != 0 && outstanding.size() >= invokeWindow) waitingForWindow.add(inv);
            else start(inv);
            return inv.promise.future();
        });
    }

    private void start(Invocation inv) {
        outstanding.put(inv.msgId, inv);
        String ts = transferSyntaxOf(inv.pcid);
        sendMessage(inv.pcid, inv.command, inv.data, ts).onFailure(e -> {
            if (outstanding.remove(inv.msgId) != null && inv.promise.tryFail(e)) {
                for (AssociationListener l : listeners)
                    l.onDimseCompleted(this, inv.dimse, inv.cuid, inv.sopInstanceUid(), -1,
                            System.nanoTime() - inv.start, true);
            }
        });
    }

    /** An accepted context for the SOP class where we may invoke, preferring the data's own syntax; -1 if none. */
    private int selectPresentationContext(String cuid, String tsuid, Dimse dimse) {
        if (!mayInvoke(cuid, dimse)) return -1;
        int fallback = -1;
        for (PresentationContextAC pc : ac.presentationContexts()) {
            if (!pc.isAccepted() || !cuid.equals(abstractSyntaxOf(pc.id()))) continue;
            String ts = pc.transferSyntax();
            if (tsuid == null) {
                if (!TransferSyntax.isKnown(ts) || TransferSyntax.of(ts).encapsulated()) continue;
                return pc.id();
            }
            if (ts.equals(tsuid)) return pc.id();
            if (fallback == -1 && DataSource.canConvert(tsuid, ts)) fallback = pc.id();
        }
        return fallback;
    }

    private void onResponse(Attributes cmd, Attributes ds, IOException parseError) {
        int msgId = cmd.getInt(Tag.MessageIDBeingRespondedTo, -1);
        Invocation inv = outstanding.get(msgId);
        if (inv == null) {
            LOG.log(Level.WARNING, () -> this + ": response to no outstanding request: " + Commands.toString(cmd));
            return;
        }
        if (parseError != null) LOG.log(Level.WARNING, () -> this + ": unreadable data set in " + Commands.toString(cmd) + ": " + parseError.getMessage());
        DimseResponse rsp = new DimseResponse(cmd, ds);
        if (rsp.isPending() && inv.dimse.hasPendingResponses()) {
            if (inv.onPending != null) {
                try {
                    inv.onPending.handle(rsp);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, this + ": pending response handler failed", e);
                }
            }
            return;
        }
        outstanding.remove(msgId);
        if (inv.dimse == Dimse.C_GET_RQ && outstanding.values().stream().noneMatch(i -> i.dimse == Dimse.C_GET_RQ))
            getStoreHandler = null;
        for (AssociationListener l : listeners)
            l.onDimseCompleted(this, inv.dimse, inv.cuid, inv.sopInstanceUid(), rsp.status(),
                    System.nanoTime() - inv.start, true);
        inv.promise.tryComplete(rsp);
        while (!waitingForWindow.isEmpty() && (invokeWindow == 0 || outstanding.size() < invokeWindow)) start(waitingForWindow.poll());
        maybeAnswerRelease();
    }

    // =================================================================== release and abort

    /**
     * A-RELEASE once every operation we invoked has been answered; completes when the peer confirmed (A-RELEASE-RP)
     * and the connection is closed.
     */
    public Future<Void> release() {
        return onContext(() -> {
            if (state == State.STA1) return Future.succeededFuture();
            if (state != State.STA6) return Future.failedFuture(new IllegalStateException("cannot release in " + state));
            if (releasePromise == null) {
                releasePromise = Promise.promise();
                releaseRequested = true;
                maybeAnswerRelease();
            }
            return releasePromise.future();
        });
    }

    /** A-ABORT (service-user); completes when the connection is closed. */
    public Future<Void> abort() {
        return onContext(() -> {
            if (state == State.STA2) {
                socket.close(); // no association yet: nothing to abort (PS3.8 has no Evt15 in Sta2)
            } else if (state != State.STA1 && state != State.STA13) {
                if (closeCause == null) closeCause = new AssociationAbortedException("aborted locally", AAbort.byUser());
                fire(Event.EVT15, null);
            }
            return closed.future();
        });
    }
}
