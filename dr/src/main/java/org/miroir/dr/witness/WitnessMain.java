package org.miroir.dr.witness;

import io.vertx.core.Vertx;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ops/miroir witness}: the witness of a pair of sites, a small process at a third location holding the site
 * lease. Flags: {@code --dir DIR} (its durable state, required), {@code --bind ADDRESS} (default 127.0.0.1),
 * {@code --port PORT} (default 7444), {@code --max-lease-seconds N} (default 60: the longest lease it grants, and how
 * long it waits after a restart before handing the lease to another site), {@code --key-store FILE} and
 * {@code --key-store-password PW} for HTTPS.
 */
public final class WitnessMain {
    private WitnessMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = null;
        String bind = "127.0.0.1", keyStore = null, keyStorePassword = "";
        int port = 7444;
        long maxLeaseSeconds = 60;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--dir" -> dir = Path.of(args[++i]);
                    case "--bind" -> bind = args[++i];
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--max-lease-seconds" -> maxLeaseSeconds = Long.parseLong(args[++i]);
                    case "--key-store" -> keyStore = args[++i];
                    case "--key-store-password" -> keyStorePassword = args[++i];
                    default -> throw new IllegalArgumentException("unknown flag " + args[i]);
                }
            }
            if (dir == null) throw new IllegalArgumentException("--dir is required");
            if (maxLeaseSeconds < 1 || maxLeaseSeconds > 3600)
                throw new IllegalArgumentException("--max-lease-seconds must be 1-3600");
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            System.err.println("miroir witness: " + e.getMessage() + "\nusage: miroir witness --dir DIR [--bind ADDRESS] "
                    + "[--port PORT] [--max-lease-seconds N] [--key-store FILE --key-store-password PW]");
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx();
        LeaseBook book = new LeaseBook(new WitnessFile(dir), TimeUnit.SECONDS.toMillis(maxLeaseSeconds), System::nanoTime);
        ServerSSLOptions tls = keyStore == null ? null : new ServerSSLOptions()
                .setKeyCertOptions(new PfxOptions().setPath(keyStore).setPassword(keyStorePassword));
        WitnessServer server = new WitnessServer(vertx, book);
        int actual = server.listen(bind, port, tls).await(30, TimeUnit.SECONDS);
        Lease lease = book.current();
        System.out.printf("Miroir witness on %s://%s:%d, state in %s: epoch %d, holder %s%n", tls == null ? "http" : "https",
                bind, actual, dir.toAbsolutePath(), lease.epoch(), lease.holder());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close().await(10, TimeUnit.SECONDS);
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("miroir witness: " + e);
            }
            stopped.countDown();
        }, "witness-shutdown"));
        stopped.await();
    }
}
