package org.miroir.server;

import org.miroir.server.config.NodeConfig;
import org.miroir.server.logging.DrainingLogManager;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code ops/miroir run}: starts one node from flags and an optional JSON config file; stops it on SIGTERM/SIGINT. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("usage: miroir-node [" + String.join("] [", NodeConfig.FLAGS) + "]");
            return;
        }
        NodeConfig config;
        try {
            config = NodeConfig.fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("miroir: " + e.getMessage());
            System.exit(2);
            return;
        }
        config.logFormat().install();
        Node node = Node.start(config).toCompletionStage().toCompletableFuture().get();
        System.out.printf("Miroir node %s: DICOM on %s:%d%s, HTTP on %s:%d (health /health/ready, metrics /metrics), "
                        + "HL7 (MLLP) on %s:%d, data in %s%s%n", config.aeTitle(), config.bindAddress(), node.dicomPort(),
                node.dicomTlsPort() > 0 ? " (TLS on " + node.dicomTlsPort() + ")" : "", config.bindAddress(),
                node.httpPort(), config.bindAddress(), node.hl7Port(), config.dataDir().toAbsolutePath(),
                config.cluster().clustered() ? ", cluster of " + node.context().cluster().members().size() + " members" : "");
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM/SIGINT drain: the node finishes what it has in progress before it exits (bounded by the drain
        // timeout), so a rolling restart behind a load balancer fails nothing.
        long bound = config.drainGrace().plus(config.drainTimeout()).toSeconds() + 60;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.drain().toCompletionStage().toCompletableFuture().get(bound, TimeUnit.SECONDS);
                node.leave().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("miroir: the node did not stop cleanly: " + e);
            }
            DrainingLogManager.resetFinally();
            stopped.countDown();
        }, "miroir-shutdown"));
        stopped.await();
    }
}
