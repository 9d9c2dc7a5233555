package org.miroir.server.audit;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;

import javax.net.SocketFactory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The node's audit trail: every audited event becomes a DICOM audit message, spooled on disk at once and sent to the
 * audit record repository over syslog in order. While the repository cannot be reached messages wait in the spool
 * (bounded by {@code spoolMaxBytes}) and go out when it is back, with retries backing off from 1 s to 30 s.
 * Delivery is at least once: a connection found closed after a write resends what was written since its last check.
 * All work runs on one thread of its own; {@link #record} never blocks its caller.
 */
public final class AuditTrail implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditTrail.class.getName());
    private static final int BATCH_BYTES = 256 * 1024;
    private static final long MIN_RETRY_MILLIS = 1_000;
    private static final long MAX_RETRY_MILLIS = 30_000;
    /** A written batch is checked for delivery this long after, when nothing else is to be sent. */
    private static final long CONFIRM_MILLIS = 200;

    private final AuditSettings settings;
    private final ScheduledExecutorService thread;
    private final AuditSpool spool;
    private final SocketFactory sockets;
    private final String hostName;
    private final String procId;
    private final Counter messages;
    private final Gauge spoolBytes;
    private final Gauge repositoryUp;
    private SyslogConnection connection;
    private AuditSpool.Mark sent;
    private long retryMillis = MIN_RETRY_MILLIS;
    private ScheduledFuture<?> scheduled;
    private volatile boolean closed;

    private AuditTrail(AuditSettings settings, CollectorRegistry registry) throws Exception {
        this.settings = settings;
        this.spool = new AuditSpool(settings.spoolDir(), settings.spoolMaxBytes());
        this.sockets = SyslogConnection.factory(settings);
        this.sent = spool.delivered();
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            name = "-";
        }
        this.hostName = name;
        this.procId = Long.toString(ProcessHandle.current().pid());
        this.messages = Counter.build("miroir_audit_messages_total",
                "Audit messages: spooled for the repository, or dropped because the spool was full.")
                .labelNames("outcome").register(registry);
        this.spoolBytes = Gauge.build("miroir_audit_spool_bytes",
                "Bytes of audit messages on disk not yet confirmed delivered.").register(registry);
        this.repositoryUp = Gauge.build("miroir_audit_repository_up",
                "1 while connected to the audit record repository.").register(registry);
        spoolBytes.set(spool.bytes());
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "miroir-audit");
            th.setDaemon(true);
            return th;
        });
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // a retry waiting must not hold up close()
        this.thread = t;
    }

    /** Opens the spool and starts sending what it holds; throws when the spool or the TLS material cannot be used. */
    public static AuditTrail start(AuditSettings settings, CollectorRegistry registry) throws Exception {
        AuditTrail trail = new AuditTrail(settings, registry);
        trail.thread.execute(trail::pump);
        LOG.log(Level.INFO, "audit trail: syslog{0} to {1}:{2,number,#}, spool {3} ({4} bytes waiting)",
                settings.tls() ? " over TLS" : " over plain TCP", settings.host(), settings.port(),
                settings.spoolDir().toAbsolutePath(), trail.spool.bytes());
        return trail;
    }

    /** Spools the message (on the audit thread) and sends it when the repository takes it. */
    public void record(AuditMessage m) {
        try {
            thread.execute(() -> spool(m));
        } catch (RejectedExecutionException afterClose) {
            LOG.log(Level.ERROR, "audit message after the trail closed, not kept: {0}", m.eventId().meaning());
        }
    }

    private void spool(AuditMessage m) {
        byte[] frame = SyslogConnection.frame(hostName, procId, m.time(), m.toXml(settings.sourceId(), settings.siteId()));
        try {
            if (spool.append(frame)) {
                spool.sync();
                messages.labels("spooled").inc();
            } else {
                messages.labels("dropped").inc();
                LOG.log(Level.ERROR, "audit spool full ({0} bytes): {1} message dropped", spool.bytes(),
                        m.eventId().meaning());
            }
        } catch (IOException e) {
            messages.labels("dropped").inc();
            LOG.log(Level.ERROR, "cannot spool an audit message (" + m.eventId().meaning() + ")", e);
        }
        spoolBytes.set(spool.bytes());
        // Disconnected with a retry pending: the retry sends it (a connect per message would stall the thread).
        if (connection != null || scheduled == null) pump();
    }

    /** Sends what is spooled beyond what was sent, checking the connection between batches. */
    private void pump() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        try {
            while (true) {
                if (connection != null) confirm();
                AuditSpool.Mark end = spool.end();
                if (sent.compareTo(end) >= 0) {
                    if (spool.delivered().compareTo(sent) < 0) later(CONFIRM_MILLIS); // confirm the last batch
                    return;
                }
                if (connection == null) {
                    connection = SyslogConnection.open(sockets, settings.host(), settings.port());
                    repositoryUp.set(1);
                    retryMillis = MIN_RETRY_MILLIS;
                    LOG.log(Level.INFO, "audit repository {0}:{1,number,#} connected", settings.host(), settings.port());
                }
                sent = spool.next(sent);
                byte[] batch = spool.read(sent, BATCH_BYTES);
                connection.write(batch);
                sent = spool.next(new AuditSpool.Mark(sent.segment(), sent.offset() + batch.length));
            }
        } catch (IOException | RuntimeException e) {
            if (connection != null || retryMillis == MIN_RETRY_MILLIS)
                LOG.log(Level.WARNING, "audit repository {0}:{1,number,#} unreachable ({2}); {3} bytes kept in the "
                        + "spool, retrying", settings.host(), settings.port(), e.toString(), spool.bytes());
            disconnect();
            if (!closed) {
                later(retryMillis);
                retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
            }
        }
    }

    /** The connection still open: all sent so far is delivered. Closed: go back to what was confirmed. */
    private void confirm() throws IOException {
        if (connection.alive()) {
            if (spool.delivered().compareTo(sent) < 0) {
                spool.delivered(sent);
                spoolBytes.set(spool.bytes());
            }
        } else {
            LOG.log(Level.INFO, "audit repository closed the connection; resending from the last confirmed message");
            disconnect();
        }
    }

    private void disconnect() {
        if (connection != null) connection.close();
        connection = null;
        repositoryUp.set(0);
        sent = spool.delivered();
    }

    private void later(long millis) {
        if (scheduled == null && !thread.isShutdown()) scheduled = thread.schedule(this::pump, millis, TimeUnit.MILLISECONDS);
    }

    /** Messages recorded before are spooled (and sent if the repository takes them now); the rest waits on disk. */
    @Override
    public void close() {
        if (closed) return;
        thread.execute(() -> {
            closed = true;
            pump();
        });
        thread.shutdown();
        try {
            if (!thread.awaitTermination(15, TimeUnit.SECONDS)) thread.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        disconnect();
        try {
            spool.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the audit spool: " + e);
        }
    }
}
