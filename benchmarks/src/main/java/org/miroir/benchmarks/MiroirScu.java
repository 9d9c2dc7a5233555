package org.miroir.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import org.miroir.dicom.data.UID;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.AssociationOptions;
import org.miroir.dicom.net.AssociationRequest;
import org.miroir.dicom.net.DicomClient;
import org.miroir.dicom.net.dimse.DimseResponse;

/**
 * Miroir's {@link DicomClient} in the benchmark's JVM: one association per share of the files, each sending its
 * files from disk one after another ({@code cstore(Path)}, a synchronous window as storescu uses).
 */
final class MiroirScu implements StoreScu {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

    private final Vertx vertx = Vertx.vertx();
    private final DicomClient client;

    MiroirScu(int pdu) {
        client = new DicomClient(vertx, new AssociationOptions().setMaxPduLengthReceive(pdu));
    }

    @Override
    public String name() { return "Miroir SCU"; }

    @Override
    public long send(List<Path> files, int associations, StoreScp scp) throws Exception {
        List<List<Path>> shares = StoreScu.deal(files, associations);
        long start = System.nanoTime();
        List<Future<Integer>> runs = new ArrayList<>();
        for (List<Path> share : shares) {
            AssociationRequest rq = new AssociationRequest("BENCH", scp.aeTitle());
            rq.addPresentationContext(UID.CTImageStorage, UID.ExplicitVRLittleEndian);
            runs.add(client.connect("127.0.0.1", scp.port(), rq).compose(as -> sendAll(as, share)));
        }
        int stored = Future.all(runs).toCompletionStage().toCompletableFuture()
                .get(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .<Integer>list().stream().mapToInt(Integer::intValue).sum();
        long nanos = System.nanoTime() - start;
        if (stored != files.size()) throw new IllegalStateException("Miroir stored " + stored + " of " + files.size());
        return nanos;
    }

    /**
     * Sends the files one after another, then releases; completes with the number stored. One promise, not a chain
     * of composed futures: thousands of nested futures overflow the stack when the last one completes.
     */
    private static Future<Integer> sendAll(Association as, List<Path> files) {
        Promise<Integer> done = Promise.promise();
        sendFrom(as, files, 0, done);
        return done.future();
    }

    private static void sendFrom(Association as, List<Path> files, int from, Promise<Integer> done) {
        if (from == files.size()) {
            as.release().map(files.size()).onComplete(done);
            return;
        }
        as.cstore(files.get(from)).onComplete(ar -> {
            if (ar.failed()) {
                done.fail(ar.cause());
            } else if (ar.result().status() != 0) {
                DimseResponse r = ar.result();
                as.abort().onComplete(x -> done.fail("C-STORE of " + files.get(from) + " answered 0x"
                        + Integer.toHexString(r.status()) + " " + r.errorComment()));
            } else {
                sendFrom(as, files, from + 1, done); // cstore completes off this stack (a worker opens the file)
            }
        });
    }

    @Override
    public void close() {
        try {
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("closing the Miroir SCU: " + e);
        }
    }
}
