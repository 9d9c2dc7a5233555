package org.miroir.server.audit;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.io.DicomOutputStream;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.AssociationListener;
import org.miroir.dicom.net.DimseHandler;
import org.miroir.dicom.net.DimseRequest;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.dimse.Status;
import org.miroir.dicom.net.pdu.AAssociateRJ;
import org.miroir.dicom.net.pdu.AAssociateRQ;
import org.miroir.server.store.Ingest;
import org.miroir.storage.metadata.InstanceRecord;
import org.miroir.storage.metadata.MetadataStore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Audits the DICOM side: each association accepted or refused (User Authentication), each C-FIND and worklist query
 * (Query), each MPPS N-CREATE and N-SET (Procedure Record), each C-MOVE and C-GET once done (DICOM Instances
 * Transferred, read, per retrieve) and the instances an association stored (DICOM Instances Transferred, create,
 * one message per study when the association ends, as IHE ATNA aggregates them).
 */
public final class DicomAudit implements AssociationListener {
    private final Audit audit;
    private final MetadataStore metadata;
    /** Per open association: study, then SOP Class, then the SOP Instances stored. */
    private final Map<Association, Map<String, Map<String, List<String>>>> stored = new ConcurrentHashMap<>();

    public DicomAudit(Audit audit, MetadataStore metadata) {
        this.audit = audit;
        this.metadata = metadata;
    }

    static Actor caller(Association as) {
        return new Actor(as.callingAETitle(), null, as.remoteAddress() == null ? null : as.remoteAddress().hostAddress());
    }

    @Override
    public void onAssociationOpened(Association as) {
        if (as.isRequestor()) return;
        audit.record(AuditEvents.login(caller(as), audit.node(), null));
    }

    @Override
    public void onAssociationRejected(SocketAddress remote, AAssociateRQ rq, AAssociateRJ rj) {
        if (rq == null) return; // our own request, refused by a peer
        audit.record(AuditEvents.login(new Actor(rq.callingAETitle(), null, remote == null ? null : remote.hostAddress()),
                audit.node(), "association rejected: " + rj));
    }

    @Override
    public void onAssociationClosed(Association as, Throwable cause) {
        Map<String, Map<String, List<String>>> byStudy = stored.remove(as);
        if (byStudy == null) return;
        StudyLookup.describeAll(metadata, byStudy).thenAccept(studies -> audit.record(AuditEvents.transferred("C",
                caller(as), true, audit.node(), null, studies, AuditMessage.SUCCESS, null)));
    }

    /** An instance the association stored (the store path's result): audited with its study at the end. */
    public void stored(Association as, Ingest.Result r) {
        if (r.record() == null || !audit.enabled()) return;
        stored.computeIfAbsent(as, a -> new ConcurrentHashMap<>())
                .computeIfAbsent(r.record().studyInstanceUid(), s -> new LinkedHashMap<>())
                .computeIfAbsent(r.sopClassUid(), c -> new ArrayList<>()).add(r.sopInstanceUid());
    }

    /** A C-MOVE or C-GET done: what was resolved for it, to whom ({@code destination}: null for C-GET). */
    public void retrieved(DimseRequest rq, String destination, List<InstanceRecord> instances, DimseResponse response) {
        if (!audit.enabled()) return;
        Map<String, Map<String, List<String>>> byStudy = new LinkedHashMap<>();
        for (InstanceRecord r : instances)
            byStudy.computeIfAbsent(r.studyInstanceUid(), s -> new LinkedHashMap<>())
                    .computeIfAbsent(r.sopClassUid(), c -> new ArrayList<>()).add(r.sopInstanceUid());
        int outcome = response.category() == Status.Category.SUCCESS ? AuditMessage.SUCCESS : AuditMessage.MINOR_FAILURE;
        String description = outcome == AuditMessage.SUCCESS ? null : String.format("status 0x%04X", response.status());
        Actor caller = caller(rq.association());
        Actor dest = destination == null ? caller : new Actor(destination, null, null);
        StudyLookup.describeAll(metadata, byStudy).thenAccept(studies -> audit.record(AuditEvents.transferred("R",
                audit.node(), false, dest, destination == null ? null : caller, studies, outcome, description)));
    }

    /** Wraps a C-FIND (Q/R or worklist) or MPPS handler so that each request is audited with its final status. */
    public DimseHandler audited(DimseHandler h) {
        return new DimseHandler() {
            @Override
            public Future<Status> onCFind(DimseRequest rq, Attributes keys) {
                return h.onCFind(rq, keys).andThen(ar -> audit.record(AuditEvents.query(caller(rq.association()),
                        audit.node(), rq.sopClassUid(), encode(keys, rq.transferSyntax()), rq.transferSyntax(),
                        ar.succeeded() && ar.result().category() != Status.Category.FAILURE ? AuditMessage.SUCCESS
                                : AuditMessage.MINOR_FAILURE,
                        ar.failed() ? ar.cause().toString() : ar.result().category() == Status.Category.FAILURE
                                ? String.format("status 0x%04X", ar.result().code()) : null)));
            }

            @Override
            public Future<DimseResponse> onNCreate(DimseRequest rq, Attributes attributes) {
                return h.onNCreate(rq, attributes).andThen(ar -> procedure(rq, "C", attributes, ar.result()));
            }

            @Override
            public Future<DimseResponse> onNSet(DimseRequest rq, Attributes modifications) {
                return h.onNSet(rq, modifications).andThen(ar -> procedure(rq, "U", modifications, ar.result()));
            }

            @Override
            public Future<Status> onCEcho(DimseRequest rq) { return h.onCEcho(rq); }

            @Override
            public Future<Status> onCStore(DimseRequest rq, ReadStream<Buffer> data) { return h.onCStore(rq, data); }

            @Override
            public Future<DimseResponse> onCMove(DimseRequest rq, Attributes keys) { return h.onCMove(rq, keys); }

            @Override
            public Future<DimseResponse> onCGet(DimseRequest rq, Attributes keys) { return h.onCGet(rq, keys); }
        };
    }

    private void procedure(DimseRequest rq, String action, Attributes attributes, DimseResponse response) {
        int outcome = response != null && response.status() == 0 ? AuditMessage.SUCCESS : AuditMessage.MINOR_FAILURE;
        audit.record(AuditEvents.procedureRecord(action, caller(rq.association()), audit.node(), rq.sopInstanceUid(),
                attributes.getString(Tag.PatientID), attributes.getString(Tag.PatientName), outcome,
                response == null ? "not processed" : outcome == AuditMessage.SUCCESS ? null
                        : String.format("status 0x%04X", response.status())));
    }

    private static byte[] encode(Attributes keys, String transferSyntax) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new DicomOutputStream(out, transferSyntax).writeDataset(keys);
        } catch (IOException | RuntimeException e) {
            return ("unencodable identifier: " + e.getMessage()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return out.toByteArray();
    }
}
