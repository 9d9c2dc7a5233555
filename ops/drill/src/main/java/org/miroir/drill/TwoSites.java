package org.miroir.drill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.dicom.testing.CuttableProxy;
import org.miroir.dicom.testing.FreePorts;
import org.miroir.dicom.testing.ManagedProcess;
import org.miroir.dicom.testing.Processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A mirrored pair on one machine: a witness, site {@code paris} (active at first start) and site {@code lyon} (its
 * mirror), each a cluster of {@code nodes} nodes behind its own HAProxy, replicating over mutual TLS with a key made
 * here. On Cassandra + Ceph each site has a keyspace and a RADOS namespace of its own, on the same Cassandra and Ceph
 * (a machine has one of each); on the embedded storage each site is one node.
 */
public final class TwoSites implements AutoCloseable {
    /**
     * The knobs of a pair: storage, nodes per site, lease and objectives; {@code cuttableLinks}: the links between the
     * sites and from the active site to the witness go through proxies a test can cut; {@code encryptedAtRest}: each
     * site encrypts its objects with keys of its own ({@link #siteKeys}).
     */
    public record Options(String storage, int nodes, Duration lease, Duration rpo, Duration rto,
            Duration verificationInterval, boolean cuttableLinks, boolean encryptedAtRest) {}

    public final Site active;
    public final Site mirror;
    public final Options options;
    /** The replication's key store ({@code node.p12}) and trust store ({@code trust.p12}), password changeit. */
    Path tls;
    private final ManagedProcess witness;
    private int witnessPort;
    private final List<CuttableProxy> interSite = new java.util.ArrayList<>();
    private CuttableProxy activeToWitness;

    private TwoSites(Site active, Site mirror, ManagedProcess witness, Options options) {
        this.active = active;
        this.mirror = mirror;
        this.witness = witness;
        this.options = options;
    }

    /** Cuts (or restores) every link between the two sites' nodes, in both directions. */
    public void cutLinkBetweenSites(boolean cut) {
        for (CuttableProxy p : interSite) if (cut) p.cut(); else p.restore();
    }

    /** Cuts (or restores) the link between the first active site and the witness only. */
    public void cutActiveFromWitness(boolean cut) {
        if (cut) activeToWitness.cut(); else activeToWitness.restore();
    }

    /**
     * Starts the pair under {@code dir}; {@code env} carries MIROIR_CLASSPATH and, on Cassandra + Ceph, the backends
     * (MIROIR_CASSANDRA, MIROIR_CEPH_CONF, ...).
     */
    public static TwoSites start(Path root, Path dir, Options o, Map<String, String> env) throws IOException {
        Files.createDirectories(dir);
        Path tls = makeTlsMaterial(dir.resolve("tls"));
        int witnessPort = FreePorts.next();
        ManagedProcess witness = ManagedProcess.start(List.of(root.resolve("ops/miroir").toString(), "witness",
                "--dir", dir.resolve("witness").toString(), "--port", String.valueOf(witnessPort),
                "--max-lease-seconds", String.valueOf(Math.max(10, o.lease().toSeconds() * 3))), env)
                .awaitPort(witnessPort, Duration.ofSeconds(60));
        String suffix = Long.toHexString(System.nanoTime());
        Site paris = new Site("paris", dir.resolve("paris"), o.nodes(), root, env);
        Site lyon = new Site("lyon", dir.resolve("lyon"), o.nodes(), root, env);
        TwoSites pair = new TwoSites(paris, lyon, witness, o);
        pair.tls = tls;
        pair.witnessPort = witnessPort;
        try {
            paris.cluster("prepare", String.valueOf(o.nodes()));
            lyon.cluster("prepare", String.valueOf(o.nodes()));
            int parisWitness = witnessPort;
            if (o.cuttableLinks()) {
                pair.activeToWitness = CuttableProxy.start("127.0.0.1", witnessPort);
                parisWitness = pair.activeToWitness.port;
            }
            for (Site s : List.of(paris, lyon)) {
                Site other = s == paris ? lyon : paris;
                JsonArray peers = new JsonArray();
                for (int port : other.receiverPorts()) {
                    if (o.cuttableLinks()) {
                        CuttableProxy link = CuttableProxy.start("127.0.0.1", port);
                        pair.interSite.add(link);
                        port = link.port;
                    }
                    peers.add("https://127.0.0.1:" + port);
                }
                Path site = dir.resolve(s.id + "-site.json");
                Files.writeString(site, new JsonObject().put("id", s.id)
                        .put("initialRole", s == paris ? "ACTIVE" : "PASSIVE").put("peers", peers)
                        .put("witness", "http://127.0.0.1:" + (s == paris ? parisWitness : witnessPort))
                        .put("leaseMillis", o.lease().toMillis())
                        .put("rpoSeconds", o.rpo().toSeconds()).put("rtoSeconds", o.rto().toSeconds())
                        .put("verificationIntervalSeconds", o.verificationInterval().toSeconds())
                        .put("replication", new JsonObject()
                                .put("keyStore", tls.resolve("node.p12").toString()).put("keyStorePassword", "changeit")
                                .put("trustStore", tls.resolve("trust.p12").toString()).put("trustStorePassword", "changeit"))
                        .encodePrettily());
                List<String> up = new java.util.ArrayList<>(List.of("up", String.valueOf(o.nodes()), "--storage",
                        o.storage(), "--keyspace", s.id + "_" + suffix, "--site", site.toString()));
                up.addAll(List.of("--node-config", nodeConfig(dir, s.id, o).toString()));
                s.cluster(up.get(0), up.subList(1, up.size()).toArray(String[]::new));
            }
            await(() -> paris.all(st -> "ACTIVE".equals(st.getString("role"))), Duration.ofSeconds(60), "paris active");
            await(() -> lyon.all(st -> "PASSIVE".equals(st.getString("role"))), Duration.ofSeconds(60), "lyon passive");
        } catch (Exception e) {
            pair.close();
            if (e instanceof IOException io) throw io;
            if (e instanceof RuntimeException re) throw re;
            throw new IOException(e);
        }
        return pair;
    }

    /** A key and a self-signed certificate for every node of both sites, and a trust store holding the certificate. */
    static Path makeTlsMaterial(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path ks = dir.resolve("node.p12"), cert = dir.resolve("node.pem"), ts = dir.resolve("trust.p12");
        if (Files.exists(ts)) return dir;
        run("keytool", "-genkeypair", "-alias", "miroir", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        run("keytool", "-exportcert", "-rfc", "-alias", "miroir", "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", cert.toString());
        run("keytool", "-importcert", "-noprompt", "-alias", "miroir", "-file", cert.toString(), "-keystore",
                ts.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        return dir;
    }

    /**
     * What the pair's options add to every node configuration of site {@code site}, as a file for {@code
     * --node-config}: on Cassandra, a journal hold-back (5 s, above the 4 s request timeout as the driver's README
     * requires) short enough for the drill's RPO objective; with {@code encryptedAtRest}, the site's own keys.
     */
    static Path nodeConfig(Path dir, String site, Options o) throws IOException {
        JsonObject storage = new JsonObject();
        if (o.storage().startsWith("cassandra"))
            storage.put("metadata", new JsonObject().put("journal-settle-ms", 5000).put("request-timeout-ms", 4000));
        if (o.encryptedAtRest()) storage.put("encryption", siteKeys(dir, site));
        Path config = dir.resolve(site + "-node.json");
        Files.writeString(config, new JsonObject().put("storage", storage).encodePrettily());
        return config;
    }

    /**
     * A key store with one AES-256 key for site {@code site} (as OPERATIONS.md says to make one); returns the
     * encryption section that encrypts the site's objects with it.
     */
    static JsonObject siteKeys(Path dir, String site) throws IOException {
        Path ks = dir.resolve(site + "-keys.p12");
        if (!Files.exists(ks))
            run("keytool", "-genseckey", "-alias", site + "-1", "-keyalg", "AES", "-keysize", "256", "-storetype",
                    "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit");
        return new JsonObject().put("keyStore", ks.toString()).put("keyStorePassword", "changeit")
                .put("currentKey", site + "-1").put("readPlaintext", false);
    }

    private static void run(String... command) {
        Processes.run(List.of(command), Map.of(), Duration.ofMinutes(1), true, 1 << 16).assertOk();
    }

    public static void await(BooleanSupplier condition, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for " + what);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what);
            }
        }
    }

    /** The environment the pair's processes need: the node class path and the backends of the storage. */
    public static Map<String, String> environment(String classpath) {
        Map<String, String> env = new HashMap<>();
        env.put("MIROIR_CLASSPATH", classpath);
        env.put("MIROIR_JAVA_OPTS", "-Xmx384m");
        for (String k : List.of("MIROIR_CASSANDRA", "MIROIR_CASSANDRA_DC", "MIROIR_CEPH_CONF", "MIROIR_CEPH_POOL")) {
            String v = System.getenv(k);
            if (v != null && !v.isBlank()) env.put(k, v);
        }
        return env;
    }

    /** The witness's HTTP port (its API and /metrics). */
    public int witnessPort() {
        return witnessPort;
    }

    @Override
    public void close() {
        active.down();
        mirror.down();
        witness.close();
        List<CuttableProxy> proxies = new java.util.ArrayList<>(interSite);
        if (activeToWitness != null) proxies.add(activeToWitness);
        for (CuttableProxy p : proxies) {
            try {
                p.close();
            } catch (Exception e) {
                System.err.println("closing a link proxy: " + e.getMessage());
            }
        }
    }
}
