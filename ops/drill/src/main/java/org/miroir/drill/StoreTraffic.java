package org.miroir.drill;

import io.vertx.core.Vertx;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.net.Association;
import org.miroir.dicom.net.AssociationOptions;
import org.miroir.dicom.net.AssociationRequest;
import org.miroir.dicom.net.DataSource;
import org.miroir.dicom.net.DicomClient;
import org.miroir.dicom.net.dimse.DimseResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady C-STORE traffic to one port (a site's balancer), with Miroir's own SCU: {@code senders} threads, each on an
 * association of its own, one C-STORE at a time, reconnecting after a failure. Every acknowledged instance is recorded
 * with the moment its success arrived: what the site promised to keep. With a rate, the senders together start at most
 * that many C-STOREs per second (evenly spaced), so a site can be driven below its capacity.
 */
public final class StoreTraffic implements AutoCloseable {
    /** An instance the site acknowledged (status 0x0000), and when. */
    public record Ack(String studyUid, String seriesUid, String sopInstanceUid, Instant at) {}

    private final Vertx vertx = Vertx.vertx();
    private final DicomClient client = new DicomClient(vertx, new AssociationOptions().setIdleTimeoutMillis(0));
    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private final AtomicLong failures = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final Instances instances;
    private final int port;
    /** Nanoseconds between two C-STOREs of all senders together (0: as fast as they go), and the next one's slot. */
    private final long interval;
    private final AtomicLong nextSlot = new AtomicLong(System.nanoTime());
    private volatile boolean running = true;

    public StoreTraffic(int port, int senders, Instances instances) {
        this(port, senders, instances, 0);
    }

    /** {@code ratePerSecond}: at most that many C-STOREs per second over all senders; 0 for no limit. */
    public StoreTraffic(int port, int senders, Instances instances, double ratePerSecond) {
        if (ratePerSecond < 0) throw new IllegalArgumentException("rate must be at least 0");
        this.port = port;
        this.instances = instances;
        this.interval = ratePerSecond == 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / ratePerSecond);
        for (int s = 0; s < senders; s++) {
            Thread t = new Thread(this::send, "drill-sender-" + s);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Sends one instance on a fresh association; true when it was acknowledged. */
    static boolean storeOnce(DicomClient client, int port, Instances.Item item, List<Ack> acks) {
        try {
            Association as = connect(client, port);
            try {
                DimseResponse r = as.cstore(item.sopClassUid(), item.sopInstanceUid(), null,
                        DataSource.of(item.dataset())).await(30, TimeUnit.SECONDS);
                if (r.status() != 0) return false;
                acks.add(new Ack(item.studyUid(), item.seriesUid(), item.sopInstanceUid(), Instant.now()));
                return true;
            } finally {
                as.release().await(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            return false;
        }
    }

    /** {@link #storeOnce} with a client of its own (closed after). */
    static boolean storeAlone(int port, Instances.Item item, List<Ack> acks) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            return storeOnce(new DicomClient(vertx, new AssociationOptions()), port, item, acks);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static Association connect(DicomClient client, int port) throws Exception {
        AssociationRequest rq = new AssociationRequest("DRILL", "MIROIR");
        rq.addPresentationContext(UID.CTImageStorage, UID.ExplicitVRLittleEndian);
        return client.connect("127.0.0.1", port, rq).await(10, TimeUnit.SECONDS);
    }

    private void send() {
        while (running) {
            Association as = null;
            try {
                as = connect(client, port);
                while (running) {
                    awaitSlot();
                    Instances.Item item = instances.next();
                    DimseResponse r = as.cstore(item.sopClassUid(), item.sopInstanceUid(), null,
                            DataSource.of(item.dataset())).await(30, TimeUnit.SECONDS);
                    if (r.status() != 0) {
                        failures.incrementAndGet();
                        break;
                    }
                    acks.add(new Ack(item.studyUid(), item.seriesUid(), item.sopInstanceUid(), Instant.now()));
                }
            } catch (Exception e) {
                failures.incrementAndGet();
                pause();
            } finally {
                if (as != null) {
                    try {
                        as.release().await(5, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        as.abort();
                    }
                }
            }
        }
    }

    /** Waits for this sender's turn when the traffic is paced. */
    private void awaitSlot() throws InterruptedException {
        if (interval == 0) return;
        long now = System.nanoTime();
        // A sender that fell behind does not earn a burst: the slot never lags the clock.
        long slot = nextSlot.getAndUpdate(s -> Math.max(s, now) + interval);
        long wait = Math.max(slot, now) - now;
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    DicomClient client() { return client; }

    public List<Ack> acks() { return List.copyOf(acks); }

    long failures() { return failures.get(); }

    /** Stops the senders (each finishes or abandons its C-STORE in progress). */
    public void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(45));
    }

    @Override
    public void close() throws Exception {
        stop();
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
