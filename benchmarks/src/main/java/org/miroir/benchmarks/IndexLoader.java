package org.miroir.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import org.miroir.dicom.data.UID;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.AssociationRequest;
import org.miroir.dicom.net.DataSource;
import org.miroir.dicom.net.DicomClient;

/**
 * Grows a node's index through its real C-STORE path: Miroir's SCU on several associations, each with one C-STORE
 * outstanding (as storescu sends), instances from {@link IndexData} in order. {@link #ingestUntil} stops at an exact
 * count and times the last {@code window} instances before it, so the rate is the rate AT that index size, not an
 * average since the start.
 */
final class IndexLoader {
    /** The rate over the window ending at {@code size}, or what was reached when the time ran out. */
    record Phase(long size, long reached, long window, long windowNanos) {
        boolean complete() { return reached == size; }

        double rate() { return window / (windowNanos / 1e9); }
    }

    private final DicomClient client;
    private final MiroirNode node;
    private final IndexData data;
    private final int associations;
    private final AtomicLong completed = new AtomicLong();
    private long issued; // guarded by this
    private volatile long limit, windowStart, progressEvery;
    private volatile long windowStartNanos, endNanos, deadlineNanos, lastProgressNanos, lastProgressCount;

    IndexLoader(DicomClient client, MiroirNode node, IndexData data, int associations) {
        this.client = client;
        this.node = node;
        this.data = data;
        this.associations = associations;
    }

    /**
     * Sends instances until the index holds {@code size} of them (or {@code deadlineNanos} passes: no new C-STORE
     * starts then), timing the last {@code window} of them; every C-STORE must succeed.
     */
    Phase ingestUntil(long size, long window, long deadlineNanos) throws Exception {
        long start = completed.get();
        window = Math.min(window, size - start);
        this.limit = size;
        this.windowStart = size - window;
        this.deadlineNanos = deadlineNanos;
        this.progressEvery = Math.max(10_000, size / 20);
        long now = System.nanoTime();
        this.windowStartNanos = now; // when the window starts at this phase's first instance
        this.lastProgressNanos = now;
        this.lastProgressCount = start;
        this.endNanos = 0;
        List<Association> opened = new ArrayList<>();
        List<Future<Void>> sends = new ArrayList<>();
        for (int k = 0; k < associations; k++) {
            AssociationRequest rq = new AssociationRequest("INDEXBENCH", node.aeTitle());
            rq.addPresentationContext(UID.CTImageStorage, UID.ExplicitVRLittleEndian);
            sends.add(client.connect("127.0.0.1", node.port(), rq).compose(as -> {
                synchronized (opened) {
                    opened.add(as);
                }
                return sendUntilLimit(as);
            }));
        }
        // Bounded: the deadline stops new C-STOREs; five minutes more is for the ones in flight.
        long waitMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())) + 300_000;
        Throwable failure = null;
        try {
            Future.join(sends).toCompletionStage().toCompletableFuture().get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (TimeoutException e) {
            failure = new TimeoutException("C-STOREs still unanswered " + waitMillis / 1000 + " s after the deadline");
        }
        closeAll(opened, failure != null);
        if (failure != null) throw new IllegalStateException("ingest failed at " + completed.get() + " instances", failure);
        long reached = completed.get();
        if (reached < size) return new Phase(size, reached, 0, 0);
        return new Phase(size, reached, window, endNanos - windowStartNanos);
    }

    /**
     * Releases (or, after a failure, aborts) every association, each wait bounded: a release that does not complete
     * is reported and the association aborted, so the measurement never hangs on the way out.
     */
    private static void closeAll(List<Association> opened, boolean abort) {
        List<Association> all;
        synchronized (opened) {
            all = List.copyOf(opened);
        }
        for (Association as : all) {
            try {
                (abort ? as.abort() : as.release()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                System.out.println("  " + (abort ? "abort" : "release") + " of " + as + " did not complete: " + e);
                if (!abort) as.abort();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One association's loop: take the next instance while under the limit and the deadline, send, repeat. */
    private Future<Void> sendUntilLimit(Association as) {
        Promise<Void> done = Promise.promise();
        sendNext(as, done);
        return done.future();
    }

    /**
     * Sends one instance, and the next from its response's callback. One promise per association: chaining a new
     * future per instance would complete tens of thousands of nested futures at once at the end, deeper than the stack.
     */
    private void sendNext(Association as, Promise<Void> done) {
        IndexData.Item item;
        try {
            synchronized (this) {
                if (issued >= limit || System.nanoTime() > deadlineNanos) {
                    done.tryComplete();
                    return;
                }
                issued++;
                item = data.next();
            }
        } catch (RuntimeException e) {
            done.tryFail(e);
            return;
        }
        as.cstore(item.cuid(), item.iuid(), null, DataSource.of(item.dataset())).onComplete(ar -> {
            if (ar.failed()) {
                done.tryFail(ar.cause());
            } else if (ar.result().status() != 0) {
                done.tryFail(new IllegalStateException("C-STORE of instance " + item.index() + " answered 0x"
                        + Integer.toHexString(ar.result().status()) + " " + ar.result().errorComment()));
            } else {
                acknowledged();
                sendNext(as, done);
            }
        });
    }

    /** Counts one acknowledged instance; notes the window's start and end, prints progress now and then. */
    private void acknowledged() {
        long c = completed.incrementAndGet();
        long now = System.nanoTime();
        if (c == windowStart) windowStartNanos = now;
        if (c == limit) endNanos = now;
        if (c % progressEvery == 0) {
            double rate;
            synchronized (this) {
                rate = (c - lastProgressCount) / ((now - lastProgressNanos) / 1e9);
                lastProgressCount = c;
                lastProgressNanos = now;
            }
            System.out.printf(Locale.ROOT, "  %,d instances stored (%.0f/s since the last line; load %s)%n",
                    c, rate, Machine.loadAverage());
        }
    }
}
