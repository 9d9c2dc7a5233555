package org.miroir.server;

import org.miroir.server.config.NodeConfig;

import java.util.concurrent.CountDownLatch;

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
        Node node = Node.start(config).toCompletionStage().toCompletableFuture().get();
        System.out.printf("Miroir node %s: DICOM on %s:%d, HTTP on %s:%d (health /health/ready, metrics /metrics), "
                + "HL7 (MLLP) on %s:%d, data in %s%n", config.aeTitle(), config.bindAddress(), node.dicomPort(),
                config.bindAddress(), node.httpPort(), config.bindAddress(), node.hl7Port(),
                config.dataDir().toAbsolutePath());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.stop().toCompletionStage().toCompletableFuture().join();
            stopped.countDown();
        }, "miroir-shutdown"));
        stopped.await();
    }
}
