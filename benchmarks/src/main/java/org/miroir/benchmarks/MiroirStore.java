package org.miroir.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import org.miroir.dicom.data.UID;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.AssociationOptions;
import org.miroir.dicom.net.AssociationRequest;
import org.miroir.dicom.net.DicomClient;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;

/**
 * Miroir's SCU (in this JVM, one association per share of the files, each sending its files one after another from
 * disk) to a {@link DiscardingScp} in its own JVM. Both announce {@code pdu} as their maximum receive PDU length.
 */
final class MiroirStore implements StoreContender {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

    private final int port;
    private final ManagedProcess scp;
    private final Vertx vertx;
    private final DicomClient client;

    private MiroirStore(int pdu) {
        port = FreePorts.next();
        scp = ManagedProcess.start(StoreBenchmark.javaCommand(DiscardingScp.class.getName(),
                List.of(String.valueOf(port), String.valueOf(pdu))), Map.of()).awaitPort(port, Duration.ofSeconds(30));
        vertx = Vertx.vertx();
        client = new DicomClient(vertx, new AssociationOptions().setMaxPduLengthReceive(pdu));
    }

    static StoreContender start(int pdu) {
        return new MiroirStore(pdu);
    }

    @Override
    public String name() { return "miroir"; }

    @Override
    public long send(List<Path> files, int associations) throws Exception {
        List<List<Path>> shares = StoreContender.deal(files, associations);
        long start = System.nanoTime();
        List<Future<Integer>> runs = new ArrayList<>();
        for (List<Path> share : shares) {
            AssociationRequest rq = new AssociationRequest("BENCH", "MIROIR");
            rq.addPresentationContext(UID.CTImageStorage, UID.ExplicitVRLittleEndian);
            runs.add(client.connect("127.0.0.1", port, rq).compose(as -> sendAll(as, share, 0, 0)));
        }
        int stored = Future.all(runs).toCompletionStage().toCompletableFuture()
                .get(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .<Integer>list().stream().mapToInt(Integer::intValue).sum();
        long nanos = System.nanoTime() - start;
        if (stored != files.size()) throw new IllegalStateException("Miroir stored " + stored + " of " + files.size());
        return nanos;
    }

    /** Sends files[from..] one after another (the synchronous window dcmtk's storescu uses too), then releases. */
    private static Future<Integer> sendAll(Association as, List<Path> files, int from, int ok) {
        if (from == files.size()) return as.release().map(ok);
        return as.cstore(files.get(from)).compose((DimseResponse r) -> {
            if (r.status() != 0) {
                return as.abort().transform(x -> Future.failedFuture("C-STORE of " + files.get(from)
                        + " answered 0x" + Integer.toHexString(r.status()) + " " + r.errorComment()));
            }
            return sendAll(as, files, from + 1, ok + 1);
        });
    }

    @Override
    public void close() throws Exception {
        try {
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            scp.close();
        }
    }
}
