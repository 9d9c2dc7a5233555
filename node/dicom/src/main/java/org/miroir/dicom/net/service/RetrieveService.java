package org.miroir.dicom.net.service;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.AssociationRequest;
import org.miroir.dicom.net.DicomClient;
import org.miroir.dicom.net.DimseHandler;
import org.miroir.dicom.net.DimseRequest;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.dimse.Status;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * C-MOVE and C-GET SCP (PS3.4 C.4.2, C.4.3): the {@link Resolver} turns the identifier into instances; each becomes
 * a C-STORE sub-operation, sent one after the other, with a pending response (remaining/completed/failed/warning)
 * after each. C-MOVE opens its own association to the destination (looked up by {@link Destinations}; unknown:
 * 0xA801), proposing each SOP class with the instances' own transfer syntaxes and explicit/implicit VR little
 * endian; C-GET sends on the requesting association, where the requestor must have taken the SCP role for the
 * storage SOP classes (otherwise those sub-operations fail). A C-CANCEL stops after the current sub-operation with
 * 0xFE00. Final status: success, 0xB000 when some failed or had warnings, 0xA702 when all failed.
 */
public final class RetrieveService implements DimseHandler {
    private static final System.Logger LOG = System.getLogger(RetrieveService.class.getName());

    /** The instances matching a C-MOVE/C-GET identifier; a failed future answers 0xC000. */
    @FunctionalInterface
    public interface Resolver {
        Future<List<RetrieveItem>> resolve(DimseRequest rq, Attributes keys);
    }

    /** Where a move destination AE title points; null when unknown. */
    @FunctionalInterface
    public interface Destinations {
        Future<MoveDestination> lookup(String aeTitle);
    }

    private final Vertx vertx;
    private final Resolver resolver;
    private final Destinations destinations;
    private final DicomClient client;

    /** @param client opens C-MOVE sub-associations; may be null for a C-GET-only service */
    public RetrieveService(Vertx vertx, Resolver resolver, Destinations destinations, DicomClient client) {
        this.vertx = vertx;
        this.resolver = resolver;
        this.destinations = destinations;
        this.client = client;
    }

    @Override
    public Future<DimseResponse> onCMove(DimseRequest rq, Attributes keys) {
        String dest = rq.moveDestination();
        if (dest == null || destinations == null || client == null)
            return Future.succeededFuture(DimseResponse.of(Status.MOVE_DESTINATION_UNKNOWN));
        return destinations.lookup(dest).compose(d -> {
            if (d == null) {
                LOG.log(Level.INFO, () -> rq + ": unknown move destination " + dest);
                return Future.succeededFuture(DimseResponse.of(Status.MOVE_DESTINATION_UNKNOWN.withComment("unknown destination " + dest)));
            }
            return resolver.resolve(rq, keys).compose(items -> {
                if (items.isEmpty()) return Future.succeededFuture(DimseResponse.of(Status.SUCCESS).withCounts(-1, 0, 0, 0));
                return client.connect(d.host(), d.port(), subAssociationRequest(rq, d, items))
                        .transform(ar -> {
                            if (ar.failed()) {
                                LOG.log(Level.WARNING, () -> rq + ": cannot open association to " + d + ": " + ar.cause());
                                return Future.succeededFuture(DimseResponse.of(Status.OUT_OF_RESOURCES_SUB_OPERATIONS
                                        .withComment("cannot reach " + dest)).withCounts(-1, 0, items.size(), 0));
                            }
                            Association sub = ar.result();
                            return new SubOperations(rq, sub, items, true).run()
                                    .compose(rsp -> sub.release().transform(x -> Future.succeededFuture(rsp)));
                        });
            });
        });
    }

    @Override
    public Future<DimseResponse> onCGet(DimseRequest rq, Attributes keys) {
        return resolver.resolve(rq, keys).compose(items -> items.isEmpty()
                ? Future.succeededFuture(DimseResponse.of(Status.SUCCESS).withCounts(-1, 0, 0, 0))
                : new SubOperations(rq, rq.association(), items, false).run());
    }

    private static AssociationRequest subAssociationRequest(DimseRequest rq, MoveDestination d, List<RetrieveItem> items) {
        AssociationRequest arq = new AssociationRequest(rq.association().calledAETitle(), d.aeTitle());
        arq.setTls(d.tls());
        Map<String, Set<String>> byClass = new LinkedHashMap<>();
        for (RetrieveItem i : items) byClass.computeIfAbsent(i.sopClassUid(), k -> new LinkedHashSet<>()).add(i.transferSyntaxUid());
        int room = 128;
        for (Map.Entry<String, Set<String>> e : byClass.entrySet()) {
            // One context per stored syntax (passed through as is), one for conversion to the native defaults.
            for (String ts : e.getValue()) {
                boolean native_ = ts.equals(UID.ExplicitVRLittleEndian) || ts.equals(UID.ImplicitVRLittleEndian);
                if (!native_ && room > byClass.size()) {
                    arq.addPresentationContext(e.getKey(), ts);
                    room--;
                }
            }
            if (room-- > 0) arq.addPresentationContext(e.getKey(), UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
        }
        return arq;
    }

    /** The sub-operations of one retrieve, one at a time, on the event loop of the request. */
    private final class SubOperations {
        private final DimseRequest rq;
        private final Association target;
        private final Iterator<RetrieveItem> items;
        private final int total;
        private final boolean move;
        private final Context context = vertx.getOrCreateContext();
        private final Promise<DimseResponse> done = Promise.promise();
        private final List<String> failedUids = new ArrayList<>();
        private int completed, failed, warning;

        SubOperations(DimseRequest rq, Association target, List<RetrieveItem> items, boolean move) {
            this.rq = rq;
            this.target = target;
            this.items = items.iterator();
            this.total = items.size();
            this.move = move;
        }

        Future<DimseResponse> run() {
            next();
            return done.future();
        }

        private int remaining() { return total - completed - failed - warning; }

        private void next() {
            if (rq.isCancelled()) {
                done.complete(DimseResponse.of(Status.CANCEL).withCounts(remaining(), completed, failed, warning).withDataset(failedList()));
                return;
            }
            if (!items.hasNext()) {
                Status s = failed == 0 && warning == 0 ? Status.SUCCESS
                        : completed == 0 && warning == 0 ? Status.OUT_OF_RESOURCES_SUB_OPERATIONS
                        : Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES;
                done.complete(DimseResponse.of(s).withCounts(-1, completed, failed, warning).withDataset(failedList()));
                return;
            }
            RetrieveItem item = items.next();
            item.source().get()
                    .compose(src -> move
                            ? target.cstore(item.sopClassUid(), item.sopInstanceUid(), item.transferSyntaxUid(), src,
                                    rq.priority(), rq.association().remoteAETitle(), rq.messageId())
                            : target.cstore(item.sopClassUid(), item.sopInstanceUid(), item.transferSyntaxUid(), src))
                    .onComplete(ar -> {
                        if (ar.succeeded() && ar.result().category() == Status.Category.SUCCESS) {
                            completed++;
                        } else if (ar.succeeded() && ar.result().category() == Status.Category.WARNING) {
                            warning++;
                        } else {
                            failed++;
                            failedUids.add(item.sopInstanceUid());
                            LOG.log(Level.INFO, () -> rq + ": sub-operation for " + item.sopInstanceUid() + " failed: "
                                    + (ar.succeeded() ? ar.result() : ar.cause()));
                        }
                        if (items.hasNext() && !rq.isCancelled())
                            rq.sendPending(DimseResponse.of(Status.PENDING).withCounts(remaining(), completed, failed, warning));
                        // Hop through the event loop so a long run of instant failures cannot grow the stack.
                        context.runOnContext(v -> next());
                    });
        }

        private Attributes failedList() {
            if (failedUids.isEmpty()) return null;
            Attributes ds = new Attributes(2);
            ds.setString(Tag.FailedSOPInstanceUIDList, VR.UI, failedUids.toArray(String[]::new));
            return ds;
        }
    }
}
