package org.miroir.storage.rados;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.miroir.storage.StorageConfig;
import org.miroir.storage.digest.Sha256;
import org.miroir.storage.object.ObjectKeys;
import org.miroir.storage.testkit.GeneratedStream;

/**
 * Put and get rates (a measurement, not a test): {@code RadosThroughput CONF POOL [objects] [threads] [bytes]},
 * default 2,000 objects of 512 KiB on 8 threads, in a fresh namespace that is emptied afterwards. Every get is
 * checked against the digest of its put (both sides digest, as the node does).
 */
public final class RadosThroughput {
    public static void main(String[] args) throws Exception {
        int objects = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        long size = args.length > 4 ? Long.parseLong(args[4]) : 512 << 10;
        Map<String, String> s = new HashMap<>(Map.of("conf-file", args[0], "pool", args[1],
                "namespace", ObjectKeys.unique("throughput")));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (RadosObjectStore store = RadosObjectStore.open(RadosSettings.from(StorageConfig.of(s)))) {
            // 16 distinct contents made beforehand: generating bytes would cost more than storing them.
            List<byte[]> contents = new ArrayList<>();
            List<String> shas = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                contents.add(new GeneratedStream(i, size).readAllBytes());
                shas.add(Sha256.of(contents.get(i)));
            }
            report("put", objects, size, run(pool, objects, i -> store.put("o-" + i,
                    new ByteArrayInputStream(contents.get(i % 16)), size).sha256().equals(shas.get(i % 16))));
            report("get", objects, size, run(pool, objects, i -> {
                try (InputStream in = store.get("o-" + i)) {
                    return Sha256.of(in).equals(shas.get(i % 16));
                }
            }));
            report("delete", objects, 0, run(pool, objects, i -> store.delete("o-" + i)));
        } finally {
            pool.shutdownNow();
        }
    }

    interface Op {
        boolean run(int i) throws Exception;
    }

    private static long run(ExecutorService pool, int n, Op op) throws Exception {
        long t0 = System.nanoTime();
        List<Future<Boolean>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            fs.add(pool.submit(() -> op.run(k)));
        }
        for (Future<Boolean> f : fs)
            if (!f.get(10, TimeUnit.MINUTES)) throw new IllegalStateException("a result did not check out");
        return System.nanoTime() - t0;
    }

    private static void report(String what, int n, long size, long nanos) {
        double s = nanos / 1e9;
        System.out.printf("%-6s %6d objects in %6.2f s: %8.1f objects/s %8.1f MiB/s%n", what, n, s, n / s,
                n * (double) size / (1 << 20) / s);
    }
}
