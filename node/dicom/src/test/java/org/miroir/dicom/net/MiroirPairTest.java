package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.io.DicomOutputStream;
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
import org.miroir.dicom.net.pdu.CommonExtendedNegotiation;
import org.miroir.dicom.net.pdu.ExtendedNegotiation;
import org.miroir.dicom.net.pdu.PDV;
import org.miroir.dicom.net.pdu.PDataTF;
import org.miroir.dicom.net.pdu.PresentationContextAC;
import org.miroir.dicom.net.pdu.Pdu;
import org.miroir.dicom.net.pdu.UserIdentityRQ;
import org.miroir.dicom.net.pdu.UserInformation;
import org.miroir.dicom.net.service.RetrieveItem;
import org.miroir.dicom.net.service.RetrieveService;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Miroir SCU against Miroir SCP in one JVM: the DIMSE services, windows, streaming, negotiation outcomes. */
class MiroirPairTest {
    static final long T = 10;
    static final String CT = UID.CTImageStorage;
    static final String[] NATIVE = {UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian};

    Vertx vertx;
    DicomServer server;
    DicomClient client;
    int port;
    ApplicationEntity ae;
    final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        ae = new ApplicationEntity("MIROIR")
                .addTransferCapability(TransferCapability.scp(UID.Verification, UID.ImplicitVRLittleEndian))
                .addService(CT, (StoreHandler) (rq, data) -> collect(data).map(bytes -> {
                    stored.put(rq.sopInstanceUid(), bytes.getBytes());
                    return Status.SUCCESS;
                }), NATIVE);
        server = new DicomServer(vertx, new AssociationOptions().setMaxPduLengthReceive(4096).setMaxOpsPerformed(4))
                .addApplicationEntity(ae).addListener(recorder("server"));
        port = server.listen("127.0.0.1", 0).await(T, TimeUnit.SECONDS);
        client = new DicomClient(vertx, new AssociationOptions().setMaxOpsInvoked(4)).addListener(recorder("client"));
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().await(T, TimeUnit.SECONDS);
    }

    private AssociationListener recorder(String side) {
        return new AssociationListener() {
            @Override
            public void onAssociationOpened(Association as) { events.add(side + " opened"); }

            @Override
            public void onAssociationRejected(SocketAddress remote, AAssociateRQ rq, AAssociateRJ rj) { events.add(side + " rejected " + rj.reason()); }

            @Override
            public void onAssociationClosed(Association as, Throwable cause) {
                events.add(side + " closed " + (cause == null ? "released" : cause.getClass().getSimpleName()));
            }

            @Override
            public void onDimseCompleted(Association as, Dimse rq, String cuid, String iuid, int status, long nanos,
                    boolean invoked) {
                events.add(side + " " + rq.displayName() + " " + Integer.toHexString(status));
            }
        };
    }

    private static Future<Buffer> collect(io.vertx.core.streams.ReadStream<Buffer> data) {
        Buffer all = Buffer.buffer();
        return Future.future(p -> {
            data.handler(all::appendBuffer);
            data.endHandler(v -> p.complete(all));
            data.exceptionHandler(p::fail);
        });
    }

    private Association connect(AssociationRequest rq) throws Exception {
        return client.connect("127.0.0.1", port, rq).await(T, TimeUnit.SECONDS);
    }

    private static AssociationRequest request(String called, String... abstractSyntaxes) {
        AssociationRequest rq = new AssociationRequest("SCU", called);
        for (String as : abstractSyntaxes) rq.addPresentationContext(as, NATIVE);
        return rq;
    }

    static Attributes ct(String iuid, int pixelBytes) {
        Attributes ds = new Attributes();
        ds.setString(Tag.SOPClassUID, VR.UI, CT);
        ds.setString(Tag.SOPInstanceUID, VR.UI, iuid);
        ds.setString(Tag.PatientName, VR.PN, "Doe^John");
        byte[] px = new byte[pixelBytes];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 31);
        ds.setBytes(Tag.PixelData, VR.OW, px);
        return ds;
    }

    static byte[] encode(Attributes ds, String ts) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DicomOutputStream(out, ts).writeDataset(ds);
        return out.toByteArray();
    }

    @Test
    void echoStoreAndReleaseFragmentedToThePeersMaxPdu() throws Exception {
        Association as = connect(request("MIROIR", UID.Verification, CT));
        assertThat(as.maxPduLengthSend()).isEqualTo(4096);
        assertThat(as.cecho().await(T, TimeUnit.SECONDS).status()).isZero();
        Attributes ds = ct("1.2.3.4", 300_001 & ~1);
        assertThat(as.cstore(CT, "1.2.3.4", null, DataSource.of(ds)).await(T, TimeUnit.SECONDS).status()).isZero();
        as.release().await(T, TimeUnit.SECONDS);
        assertThat(as.state()).isEqualTo(StateMachine.State.STA1);
        assertThat(stored.get("1.2.3.4")).isEqualTo(encode(ds, UID.ExplicitVRLittleEndian));
        assertThat(events).contains("client C-ECHO-RQ 0", "server C-STORE-RQ 0", "client closed released");
        for (int i = 0; i < 100 && server.openAssociations() > 0; i++) Thread.sleep(20);
        assertThat(server.openAssociations()).isZero();
    }

    @Test
    void pausedStoreStreamDeliversNothingUntilResumed() throws Exception {
        List<Integer> chunks = new CopyOnWriteArrayList<>();
        List<Integer> whilePaused = new CopyOnWriteArrayList<>();
        ae.setHandler(CT, (StoreHandler) (rq, data) -> Future.future(p -> {
            int[] total = {0};
            data.handler(b -> {
                chunks.add(b.length());
                total[0] += b.length();
                if (chunks.size() == 1) {
                    data.pause();
                    vertx.setTimer(300, t -> {
                        whilePaused.add(chunks.size());
                        data.resume();
                    });
                }
            });
            data.endHandler(v -> {
                stored.put(rq.sopInstanceUid(), new byte[total[0]]);
                p.complete(Status.SUCCESS);
            });
            data.exceptionHandler(p::fail);
        }));
        Association as = connect(request("MIROIR", CT));
        Attributes ds = ct("1.2.3.5", 200_000);
        assertThat(as.cstore(CT, "1.2.3.5", null, DataSource.of(ds)).await(T, TimeUnit.SECONDS).status()).isZero();
        as.release().await(T, TimeUnit.SECONDS);
        assertThat(whilePaused).containsExactly(1);
        assertThat(chunks.size()).isGreaterThan(40); // one per PDV of at most 4090 bytes
        assertThat(stored.get("1.2.3.5")).hasSize(encode(ds, UID.ExplicitVRLittleEndian).length);
    }

    @Test
    void asynchronousWindowAllowsOverlappingOperations() throws Exception {
        AtomicInteger active = new AtomicInteger(), maxActive = new AtomicInteger();
        ae.setHandler(CT, (StoreHandler) (rq, data) -> {
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            return collect(data).compose(b -> Future.<Status>future(p -> vertx.setTimer(30, t -> {
                stored.put(rq.sopInstanceUid(), b.getBytes());
                active.decrementAndGet();
                p.complete(Status.SUCCESS);
            })));
        });
        Association as = connect(request("MIROIR", CT));
        assertThat(as.accept().userInformation().asyncOpsWindow().maxOpsPerformed()).isEqualTo(4);
        List<Future<DimseResponse>> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) all.add(as.cstore(CT, "1.2.9." + i, null, DataSource.of(ct("1.2.9." + i, 2000))));
        Future.all(all).await(T, TimeUnit.SECONDS);
        for (Future<DimseResponse> f : all) assertThat(f.result().status()).isZero();
        as.release().await(T, TimeUnit.SECONDS);
        assertThat(stored).hasSize(16);
        assertThat(maxActive.get()).isBetween(2, 4);
    }

    @Test
    void findIsCancelledByTheScu() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        ae.addService(UID.StudyRootQueryRetrieveInformationModelFind, (FindHandler) (rq, keys) -> emitUntilCancelled(rq, sent), NATIVE);
        Association as = connect(request("MIROIR", UID.StudyRootQueryRetrieveInformationModelFind));
        Attributes keys = new Attributes();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        List<Attributes> matches = new CopyOnWriteArrayList<>();
        DimseCall[] call = new DimseCall[1];
        call[0] = as.cfind(UID.StudyRootQueryRetrieveInformationModelFind, keys, m -> {
            if (matches.size() == 5) call[0].cancel();
            matches.add(m);
        });
        DimseResponse rsp = call[0].response().await(T, TimeUnit.SECONDS);
        assertThat(rsp.status()).isEqualTo(Status.CANCEL.code());
        assertThat(matches.size()).isGreaterThanOrEqualTo(5).isLessThan(100_000);
        assertThat(sent.get()).isLessThan(100_000);
        as.release().await(T, TimeUnit.SECONDS);
    }

    /** Matches without end (up to a cap) through {@link DimseRequest#sendMatches}, which stops at the C-CANCEL. */
    private static Future<Status> emitUntilCancelled(DimseRequest rq, AtomicInteger sent) {
        return rq.sendMatches(new java.util.Iterator<>() {
            @Override
            public boolean hasNext() { return sent.get() < 100_000; }

            @Override
            public Attributes next() {
                Attributes m = new Attributes();
                m.setString(Tag.StudyInstanceUID, VR.UI, "1.2." + sent.incrementAndGet());
                return m;
            }
        });
    }

    @Test
    void getDeliversSubOperationsOnTheSameAssociation() throws Exception {
        List<Attributes> instances = List.of(ct("1.5.1", 5000), ct("1.5.2", 6000), ct("1.5.3", 7000));
        RetrieveService retrieve = new RetrieveService(vertx, (rq, keys) -> Future.succeededFuture(instances.stream()
                .map(ds -> new RetrieveItem(CT, ds.getString(Tag.SOPInstanceUID), null, () -> Future.succeededFuture(DataSource.of(ds))))
                .toList()), null, null);
        ae.addService(UID.StudyRootQueryRetrieveInformationModelGet, retrieve, NATIVE)
          .addTransferCapability(TransferCapability.scu(CT, NATIVE));
        AssociationRequest rq = request("MIROIR", UID.StudyRootQueryRetrieveInformationModelGet, CT);
        rq.addRoleSelection(CT, false, true);
        Association as = connect(rq);
        Map<String, byte[]> got = new ConcurrentHashMap<>();
        List<DimseResponse> pending = new CopyOnWriteArrayList<>();
        Attributes keys = new Attributes();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        DimseResponse rsp = as.cget(UID.StudyRootQueryRetrieveInformationModelGet, keys,
                (r, data) -> collect(data).map(b -> {
                    got.put(r.sopInstanceUid(), b.getBytes());
                    return Status.SUCCESS;
                }), pending::add).response().await(T, TimeUnit.SECONDS);
        assertThat(rsp.status()).isZero();
        assertThat(rsp.completed()).isEqualTo(3);
        assertThat(rsp.failed()).isZero();
        assertThat(pending).extracting(DimseResponse::remaining).containsExactly(2, 1);
        for (Attributes ds : instances)
            assertThat(got.get(ds.getString(Tag.SOPInstanceUID))).isEqualTo(encode(ds, UID.ExplicitVRLittleEndian));
        as.release().await(T, TimeUnit.SECONDS);
    }

    @Test
    void getWithoutRoleSelectionFailsItsSubOperations() throws Exception {
        RetrieveService retrieve = new RetrieveService(vertx, (rq, keys) -> Future.succeededFuture(List.of(
                new RetrieveItem(CT, "1.6.1", null, () -> Future.succeededFuture(DataSource.of(ct("1.6.1", 100)))))), null, null);
        ae.addService(UID.StudyRootQueryRetrieveInformationModelGet, retrieve, NATIVE);
        Association as = connect(request("MIROIR", UID.StudyRootQueryRetrieveInformationModelGet, CT));
        Attributes keys = new Attributes();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        DimseResponse rsp = as.cget(UID.StudyRootQueryRetrieveInformationModelGet, keys, (r, d) -> Future.succeededFuture(Status.SUCCESS), null)
                .response().await(T, TimeUnit.SECONDS);
        assertThat(rsp.status()).isEqualTo(Status.OUT_OF_RESOURCES_SUB_OPERATIONS.code());
        assertThat(rsp.failed()).isEqualTo(1);
        assertThat(rsp.dataset().getString(Tag.FailedSOPInstanceUIDList)).isEqualTo("1.6.1");
        as.release().await(T, TimeUnit.SECONDS);
    }

    @Test
    void normalizedServices() throws Exception {
        String mpps = UID.ModalityPerformedProcedureStep;
        Map<String, Attributes> objects = new ConcurrentHashMap<>();
        ae.addService(mpps, new DimseHandler() {
            @Override
            public Future<DimseResponse> onNCreate(DimseRequest rq, Attributes attrs) {
                String iuid = rq.sopInstanceUid() != null ? rq.sopInstanceUid() : "2.25.42";
                objects.put(iuid, attrs);
                return Future.succeededFuture(DimseResponse.of(Status.SUCCESS).withAffectedSopInstanceUid(iuid));
            }

            @Override
            public Future<DimseResponse> onNSet(DimseRequest rq, Attributes mods) {
                Attributes o = objects.get(rq.sopInstanceUid());
                if (o == null) return Future.succeededFuture(DimseResponse.of(Status.NO_SUCH_SOP_INSTANCE));
                o.addAll(mods);
                return Future.succeededFuture(DimseResponse.of(Status.SUCCESS));
            }

            @Override
            public Future<DimseResponse> onNGet(DimseRequest rq) {
                Attributes o = objects.get(rq.sopInstanceUid());
                Attributes out = new Attributes();
                for (int tag : rq.attributeIdentifierList()) out.setValue(tag, o.getVR(tag), o.getValue(tag));
                return Future.succeededFuture(DimseResponse.of(Status.SUCCESS).withDataset(out));
            }

            @Override
            public Future<DimseResponse> onNAction(DimseRequest rq, Attributes info) {
                return Future.succeededFuture(DimseResponse.of(rq.actionTypeId() == 1 ? Status.SUCCESS : Status.NO_SUCH_ACTION_TYPE));
            }

            @Override
            public Future<DimseResponse> onNEventReport(DimseRequest rq, Attributes info) {
                return Future.succeededFuture(DimseResponse.of(Status.SUCCESS));
            }

            @Override
            public Future<DimseResponse> onNDelete(DimseRequest rq) {
                return Future.succeededFuture(DimseResponse.of(objects.remove(rq.sopInstanceUid()) != null ? Status.SUCCESS : Status.NO_SUCH_SOP_INSTANCE));
            }
        }, NATIVE);
        Association as = connect(request("MIROIR", mpps));
        Attributes attrs = new Attributes();
        attrs.setString(Tag.PerformedProcedureStepStatus, VR.CS, "IN PROGRESS");
        DimseResponse created = as.nCreate(mpps, null, attrs).await(T, TimeUnit.SECONDS);
        assertThat(created.status()).isZero();
        String iuid = created.affectedSopInstanceUid();
        assertThat(iuid).isEqualTo("2.25.42");
        Attributes mods = new Attributes();
        mods.setString(Tag.PerformedProcedureStepStatus, VR.CS, "COMPLETED");
        assertThat(as.nSet(mpps, iuid, mods).await(T, TimeUnit.SECONDS).status()).isZero();
        DimseResponse got = as.nGet(mpps, iuid, Tag.PerformedProcedureStepStatus).await(T, TimeUnit.SECONDS);
        assertThat(got.dataset().getString(Tag.PerformedProcedureStepStatus)).isEqualTo("COMPLETED");
        assertThat(as.nAction(mpps, iuid, 7, null).await(T, TimeUnit.SECONDS).status()).isEqualTo(Status.NO_SUCH_ACTION_TYPE.code());
        assertThat(as.nEventReport(mpps, iuid, 1, mods).await(T, TimeUnit.SECONDS).status()).isZero();
        assertThat(as.nDelete(mpps, iuid).await(T, TimeUnit.SECONDS).status()).isZero();
        assertThat(as.nSet(mpps, iuid, mods).await(T, TimeUnit.SECONDS).status()).isEqualTo(Status.NO_SUCH_SOP_INSTANCE.code());
        as.release().await(T, TimeUnit.SECONDS);
    }

    @Test
    void unimplementedOperationAnswers0211() throws Exception {
        Association as = connect(request("MIROIR", CT));
        assertThat(as.nDelete(CT, "1.2").await(T, TimeUnit.SECONDS).status()).isEqualTo(Status.UNRECOGNIZED_OPERATION.code());
        as.release().await(T, TimeUnit.SECONDS);
    }

    @Test
    void handlerFailureBecomesC000() throws Exception {
        ae.setHandler(CT, (StoreHandler) (rq, data) -> {
            throw new IllegalStateException("disk on fire");
        });
        Association as = connect(request("MIROIR", CT));
        DimseResponse rsp = as.cstore(CT, "1.7", null, DataSource.of(ct("1.7", 100_000))).await(T, TimeUnit.SECONDS);
        assertThat(rsp.status()).isEqualTo(Status.UNABLE_TO_PROCESS.code());
        assertThat(rsp.errorComment()).contains("disk on fire");
        // The association survives: the rest of the data set was discarded, the next store works.
        ae.setHandler(CT, (StoreHandler) (rq, data) -> collect(data).map(b -> Status.SUCCESS));
        assertThat(as.cstore(CT, "1.8", null, DataSource.of(ct("1.8", 10))).await(T, TimeUnit.SECONDS).status()).isZero();
        as.release().await(T, TimeUnit.SECONDS);
    }

    @Test
    void sopClassDifferentFromTheContextIsTheHandlersToRefuse() throws Exception {
        ae.setHandler(CT, (StoreHandler) (rq, data) -> Future.succeededFuture(rq.sopClassUid().equals(rq.abstractSyntax())
                ? Status.SUCCESS : Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS));
        AssociationRequest arq = request("MIROIR", CT);
        try (RawPeer p = new RawPeer(port, 10_000)) {
            p.send(arq.toPdu(new AssociationOptions()));
            assertThat(p.read().type()).isEqualTo(Pdu.A_ASSOCIATE_AC);
            Attributes cmd = Commands.cStoreRQ(1, UID.MRImageStorage, "1.9", 0, null, -1);
            p.send(new PDataTF(List.of(new PDV(1, true, true, Commands.encode(cmd)))));
            p.send(new PDataTF(List.of(new PDV(1, false, true, Buffer.buffer(encode(ct("1.9", 10), UID.ExplicitVRLittleEndian))))));
            PDataTF rsp = (PDataTF) p.read().decode();
            assertThat(Commands.status(Commands.decode(rsp.pdvs().get(0).data()))).isEqualTo(0xA900);
        }
    }

    @Test
    void rejections() throws Exception {
        assertRejected(request("NOBODY", UID.Verification), new AAssociateRJ(1, 1, 7));
        ae.setAcceptedCallingAETitles("FRIEND");
        assertRejected(request("MIROIR", UID.Verification), new AAssociateRJ(1, 1, 3));
        ae.setAcceptedCallingAETitles((java.util.Collection<String>) null);
        server.setMaxAssociations(1);
        Association first = connect(request("MIROIR", UID.Verification));
        assertRejected(request("MIROIR", UID.Verification), new AAssociateRJ(2, 3, 2));
        first.release().await(T, TimeUnit.SECONDS);
        for (int i = 0; i < 100 && server.openAssociations() > 0; i++) Thread.sleep(20);
        connect(request("MIROIR", UID.Verification)).release().await(T, TimeUnit.SECONDS);
        assertThat(events).contains("server rejected 7", "client rejected 3");
    }

    private void assertRejected(AssociationRequest rq, AAssociateRJ expected) {
        assertThatThrownBy(() -> connect(rq)).isInstanceOf(AssociationRejectedException.class)
                .satisfies(e -> assertThat(((AssociationRejectedException) e).rejection()).isEqualTo(expected));
    }

    @Test
    void userIdentityNegotiation() throws Exception {
        ae.setUserIdentityNegotiator((rq, id, remote) -> id.primaryFieldAsString().equals("alice")
                ? Future.succeededFuture("welcome".getBytes())
                : Future.failedFuture(new AssociationRejectedException(AAssociateRJ.noReasonGiven())));
        AssociationRequest alice = request("MIROIR", UID.Verification).setUserIdentity(UserIdentityRQ.username("alice", true));
        Association as = connect(alice);
        assertThat(new String(as.accept().userInformation().userIdentityAC().serverResponse())).isEqualTo("welcome");
        as.release().await(T, TimeUnit.SECONDS);
        assertRejected(request("MIROIR", UID.Verification).setUserIdentity(UserIdentityRQ.username("mallory", true)),
                new AAssociateRJ(1, 1, 1));
    }

    /**
     * PS3.7 D.3.3.5 on a real association. The SCP decodes each SOP class extended negotiation proposal (the
     * association's request holds them as sent) and answers none: the sub-item is optional for the acceptor, and the
     * Service Classes (PS3.4 B.3.1 storage, C.5.1.1 query) read no answer as none of their options, so the defaults
     * apply. Hence never an answer for a SOP class that was not proposed, nor a common extended negotiation answer
     * (D.3.3.6 exists in requests only); the association and its operations go on unaffected.
     */
    @Test
    void extendedNegotiationProposalsAreDecodedAndLeftUnanswered() throws Exception {
        byte[] storage = {2, 0, 0, 0, 1, 0};  // PS3.4 B.3.1.1: level 2, no signatures, coercion allowed
        byte[] find = {1, 1};                 // PS3.4 C.5.1.1.2: relational queries, combined date-time matching
        String findModel = UID.StudyRootQueryRetrieveInformationModelFind; // no presentation context proposed for it
        CommonExtendedNegotiation common = new CommonExtendedNegotiation(CT, UID.Storage, List.of());
        List<AAssociateRQ> received = new CopyOnWriteArrayList<>();
        server.addListener(new AssociationListener() {
            @Override
            public void onAssociationOpened(Association as) { received.add(as.request()); }
        });
        Association as = connect(request("MIROIR", CT).addExtendedNegotiation(CT, storage)
                .addExtendedNegotiation(findModel, find).addCommonExtendedNegotiation(common));
        assertThat(as.accept().presentationContext(1).isAccepted()).isTrue();
        assertThat(as.accept().userInformation().extendedNegotiations()).isEmpty();
        assertThat(as.accept().userInformation().commonExtendedNegotiations()).isEmpty();
        Attributes ds = ct("1.2.3.77", 64);
        assertThat(as.cstore(CT, "1.2.3.77", null, DataSource.of(ds)).await(T, TimeUnit.SECONDS).status()).isZero();
        as.release().await(T, TimeUnit.SECONDS);
        // The SCP opened the association before it handled the C-STORE: its request is recorded by now.
        assertThat(received).singleElement().satisfies(rq -> {
            assertThat(rq.userInformation().extendedNegotiations())
                    .containsExactly(new ExtendedNegotiation(CT, storage), new ExtendedNegotiation(findModel, find));
            assertThat(rq.userInformation().commonExtendedNegotiations()).containsExactly(common);
        });
    }

    /** The requestor's side: an acceptor that does answer (a scripted one; Miroir's and dcmtk's SCPs never do). */
    @Test
    void extendedNegotiationAnswerReachesTheRequestor() throws Exception {
        byte[] proposed = {2, 0, 0, 0, 1, 0};
        byte[] answer = {2, 0, 0, 0, 0, 0};   // level 2, coercion refused
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<AAssociateRQ> acceptor = CompletableFuture.supplyAsync(() -> {
                try (RawPeer peer = new RawPeer(listening.accept(), (int) TimeUnit.SECONDS.toMillis(T))) {
                    AAssociateRQ rq = (AAssociateRQ) peer.read().decode();
                    UserInformation ui = new UserInformation(16384, "1.2.3.4", null, null, List.of(),
                            List.of(new ExtendedNegotiation(CT, answer)), List.of(), null, null);
                    peer.send(new AAssociateAC(1, rq.calledAETitle(), rq.callingAETitle(), UID.DICOMApplicationContext,
                            List.of(new PresentationContextAC(1, PresentationContextAC.ACCEPTANCE, NATIVE[0])), ui));
                    assertThat(peer.read().decode()).isInstanceOf(AReleaseRQ.class);
                    peer.send(AReleaseRP.INSTANCE);
                    return rq;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Association as = client.connect("127.0.0.1", listening.getLocalPort(),
                    request("ACCEPTOR", CT).addExtendedNegotiation(CT, proposed)).await(T, TimeUnit.SECONDS);
            assertThat(as.accept().userInformation().extendedNegotiationFor(CT)).isEqualTo(new ExtendedNegotiation(CT, answer));
            as.release().await(T, TimeUnit.SECONDS);
            assertThat(acceptor.get(T, TimeUnit.SECONDS).userInformation().extendedNegotiations())
                    .containsExactly(new ExtendedNegotiation(CT, proposed));
        }
    }

    @Test
    void abortReachesBothSides() throws Exception {
        Association as = connect(request("MIROIR", UID.Verification));
        as.abort().await(T, TimeUnit.SECONDS);
        assertThatThrownBy(() -> as.cecho().await(T, TimeUnit.SECONDS)).isInstanceOf(AssociationAbortedException.class);
        for (int i = 0; i < 100 && server.openAssociations() > 0; i++) Thread.sleep(20);
        assertThat(server.openAssociations()).isZero();
        assertThat(events).contains("client closed AssociationAbortedException", "server closed AssociationAbortedException");
    }

    @Test
    void outstandingOperationsFailWhenThePeerAborts() throws Exception {
        Promise<Status> never = Promise.promise();
        ae.setHandler(CT, (StoreHandler) (rq, data) -> {
            data.handler(b -> {}).endHandler(v -> vertx.setTimer(50, t -> server.close()));
            return never.future();
        });
        Association as = connect(request("MIROIR", CT));
        Future<DimseResponse> f = as.cstore(CT, "1.10", null, DataSource.of(ct("1.10", 1000)));
        assertThatThrownBy(() -> f.await(T, TimeUnit.SECONDS)).isInstanceOf(AssociationAbortedException.class)
                .satisfies(e -> assertThat(((AssociationAbortedException) e).abort()).isEqualTo(new AAbort(0, 0)));
    }
}
