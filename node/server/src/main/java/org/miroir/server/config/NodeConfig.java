package org.miroir.server.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.cluster.ClusterSettings;
import org.miroir.cluster.config.RemoteAe;
import org.miroir.dr.site.SiteSettings;
import org.miroir.server.audit.AuditSettings;
import org.miroir.server.auth.AuthSettings;
import org.miroir.server.logging.LogFormat;
import org.miroir.storage.metadata.DuplicatePolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's configuration: a JSON file (--config) overlaid by command-line flags.
 * Defaults make a development node: AE MIROIR on 11112, HTTP 8080, listening on 127.0.0.1 only, data in ./data, any
 * calling AE accepted, HTTP without authentication, no audit trail, alone (no cluster). Without an {@code auth}
 * section a node refuses a bind address other than loopback: an open archive is never exposed by default. The AE
 * registry and the settings of {@link LiveSettings} given here are the node's starting point; the cluster-wide values
 * changed through the admin API override them.
 */
public record NodeConfig(
        String aeTitle,
        String bindAddress,
        int dicomPort,
        int dicomTlsPort,
        TlsSettings tls,
        int httpPort,
        int httpsPort,
        int hl7Port,
        Path dataDir,
        Set<String> acceptedCallingAETitles,
        boolean restrictCallingAETitlesToRegistry,
        boolean checkCallingHosts,
        Map<String, RemoteAe> aeRegistry,
        DuplicatePolicy duplicatePolicy,
        int maxAssociations,
        int maxPduLength,
        Duration associationTimeout,
        Duration idleTimeout,
        boolean fuzzyPersonNameMatching,
        Duration orphanGrace,
        Duration orphanSweepInterval,
        ClusterSettings cluster,
        SiteSettings site,
        Duration drainGrace,
        Duration drainTimeout,
        Duration configRefresh,
        JsonObject storage,
        Hl7Config hl7,
        AuthSettings auth,
        AuditSettings audit,
        LogFormat logFormat) {

    public static final List<String> FLAGS = List.of(
            "--config FILE", "--data-dir DIR", "--ae-title AET", "--bind ADDRESS", "--dicom-port PORT",
            "--dicom-tls-port PORT", "--http-port PORT", "--https-port PORT", "--hl7-port PORT", "--storage DRIVER[+OBJECT_DRIVER]",
            "--cassandra HOST:PORT[,...]", "--cassandra-dc DC", "--keyspace NAME", "--ceph-conf FILE",
            "--ceph-pool POOL", "--ceph-namespace NS", "--cluster-members HOST:PORT[,...]", "--cluster-port PORT",
            "--log-format text|json");

    public static NodeConfig defaults() {
        return fromJson(new JsonObject());
    }

    public static NodeConfig fromJson(JsonObject j) {
        Map<String, RemoteAe> registry = new LinkedHashMap<>();
        JsonObject aes = j.getJsonObject("aeRegistry", new JsonObject());
        for (String aet : aes.fieldNames()) registry.put(aet, RemoteAe.fromJson(aet, aes.getJsonObject(aet)));
        var calling = j.getJsonArray("acceptedCallingAETitles");
        ClusterSettings cluster = ClusterSettings.fromJson(j.getJsonObject("cluster", new JsonObject()));
        int tlsPort = j.getInteger("dicomTlsPort", 0);
        TlsSettings tls = j.containsKey("tls") ? TlsSettings.fromJson(j.getJsonObject("tls")) : null;
        int httpsPort = j.getInteger("httpsPort", 0);
        if ((tlsPort != 0 || httpsPort != 0) && tls == null)
            throw new IllegalArgumentException("dicomTlsPort and httpsPort need a tls section with the key store");
        String aeTitle = aeTitle(j.getString("aeTitle", "MIROIR"));
        String bind = j.getString("bindAddress", "127.0.0.1");
        AuthSettings auth = AuthSettings.fromJson(j.getJsonObject("auth"));
        if (auth.open() && !auth.explicit() && !loopback(bind))
            throw new IllegalArgumentException("bindAddress " + bind + " is not loopback, and HTTP without "
                    + "authentication may only listen there: configure the auth section (mode jwt), or set "
                    + "\"auth\": {\"mode\": \"open\"} to run an open node on purpose");
        Path dataDir = Path.of(j.getString("dataDir", "data"));
        return new NodeConfig(
                aeTitle,
                bind,
                port(j.getInteger("dicomPort", 11112)),
                port(tlsPort),
                tls,
                port(j.getInteger("httpPort", 8080)),
                port(httpsPort),
                port(j.getInteger("hl7Port", 2575)),
                dataDir,
                calling == null ? null : Set.copyOf(calling.getList().stream().map(Object::toString).toList()),
                j.getBoolean("restrictCallingAETitlesToRegistry", false),
                j.getBoolean("checkCallingHosts", false),
                Map.copyOf(registry),
                DuplicatePolicy.valueOf(j.getString("duplicatePolicy", "IGNORE")),
                j.getInteger("maxAssociations", 200),
                j.getInteger("maxPduLength", 65536),
                Duration.ofMillis(j.getLong("associationTimeoutMillis", 10_000L)),
                Duration.ofMillis(j.getLong("idleTimeoutMillis", 300_000L)),
                j.getBoolean("fuzzyPersonNameMatching", true),
                // Far beyond the store path's metadata timeout: an object that young may still get its index row.
                Duration.ofSeconds(j.getLong("orphanGraceSeconds", 600L)),
                Duration.ofSeconds(j.getLong("orphanSweepIntervalSeconds", 3600L)),
                cluster,
                SiteSettings.fromJson(j.getJsonObject("site")),
                // Long enough for a load balancer's health checks to see the node go (HAProxy: 2 checks 1 s apart);
                // a node alone has no balancer to wait for.
                Duration.ofMillis(j.getLong("drainGraceMillis", cluster.clustered() ? 4_000L : 0L)),
                Duration.ofMillis(j.getLong("drainTimeoutMillis", 60_000L)),
                Duration.ofSeconds(j.getLong("configRefreshSeconds", 30L)),
                j.getJsonObject("storage", new JsonObject()),
                Hl7Config.fromJson(j.getJsonObject("hl7", new JsonObject())),
                auth,
                AuditSettings.fromJson(j.getJsonObject("audit"), dataDir, aeTitle + "@" + bind),
                LogFormat.parse(j.getString("logFormat", "text")));
    }

    /** Whether the address is a loopback one (127.0.0.0/8, ::1, or a name resolving only to those). */
    static boolean loopback(String bind) {
        try {
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(bind))
                if (!a.isLoopbackAddress()) return false;
            return true;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("bindAddress " + bind + " does not resolve");
        }
    }

    /** Reads --config first, then lets every other flag override it. Unknown flags are an error. */
    public static NodeConfig fromArgs(String... args) throws IOException {
        JsonObject j = new JsonObject();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) j = new JsonObject(Files.readString(Path.of(value(args, ++i))));
        }
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--config" -> i++;
                case "--data-dir" -> j.put("dataDir", value(args, ++i));
                case "--ae-title" -> j.put("aeTitle", value(args, ++i));
                case "--bind" -> j.put("bindAddress", value(args, ++i));
                case "--dicom-port" -> j.put("dicomPort", intValue(args, ++i));
                case "--dicom-tls-port" -> j.put("dicomTlsPort", intValue(args, ++i));
                case "--http-port" -> j.put("httpPort", intValue(args, ++i));
                case "--https-port" -> j.put("httpsPort", intValue(args, ++i));
                case "--hl7-port" -> j.put("hl7Port", intValue(args, ++i));
                case "--storage" -> drivers(j, value(args, ++i));
                case "--cassandra" -> storageSection(j, "metadata").put("contact-points", value(args, ++i));
                case "--cassandra-dc" -> storageSection(j, "metadata").put("local-datacenter", value(args, ++i));
                case "--keyspace" -> storageSection(j, "metadata").put("keyspace", value(args, ++i));
                case "--ceph-conf" -> storageSection(j, "objects").put("conf-file", value(args, ++i));
                case "--ceph-pool" -> storageSection(j, "objects").put("pool", value(args, ++i));
                case "--ceph-namespace" -> storageSection(j, "objects").put("namespace", value(args, ++i));
                case "--cluster-members" -> section(j, "cluster").put("members",
                        new JsonArray(List.of(value(args, ++i).split(","))));
                case "--cluster-port" -> section(j, "cluster").put("port", intValue(args, ++i));
                case "--log-format" -> j.put("logFormat", value(args, ++i));
                default -> throw new IllegalArgumentException("unknown flag " + flag + "; flags: " + String.join(", ", FLAGS));
            }
        }
        return fromJson(j);
    }

    /**
     * {@code --storage cassandra+rados}: the metadata driver, then the object driver ({@code embedded} alone: both).
     * Other settings of the config file's storage sections are kept.
     */
    private static void drivers(JsonObject j, String spec) {
        String[] names = spec.split("\\+", -1);
        if (names.length > 2 || java.util.Arrays.stream(names).anyMatch(String::isBlank))
            throw new IllegalArgumentException("--storage needs DRIVER or METADATA_DRIVER+OBJECT_DRIVER, got " + spec);
        storageSection(j, "metadata").put("driver", names[0]);
        storageSection(j, "objects").put("driver", names[names.length - 1]);
    }

    /** The {@code storage.<name>} object of the configuration, created when absent. */
    private static JsonObject storageSection(JsonObject j, String name) {
        return section(section(j, "storage"), name);
    }

    /** The object {@code name} of {@code j}, created when absent. */
    private static JsonObject section(JsonObject j, String name) {
        JsonObject section = j.getJsonObject(name);
        if (section == null) j.put(name, section = new JsonObject());
        return section;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) throw new IllegalArgumentException(args[i - 1] + " needs a value");
        return args[i];
    }

    private static int intValue(String[] args, int i) {
        String v = value(args, i);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[i - 1] + " needs a number, got " + v);
        }
    }

    private static int port(int p) {
        if (p < 0 || p > 65535) throw new IllegalArgumentException("port out of range: " + p);
        return p;
    }

    private static String aeTitle(String aet) {
        return RemoteAe.checkAeTitle(aet);
    }

    /** The calling AE titles this file allows (before any cluster-wide change), or null for any. */
    public Set<String> allowedCallingAETitles() {
        return allowedCallingAETitles(restrictCallingAETitlesToRegistry, acceptedCallingAETitles, aeRegistry.keySet());
    }

    /**
     * The calling AE titles allowed to associate, or null for any (the development default): the accepted list
     * ({@code null}: any), narrowed to the AE registry when calling AEs are restricted to it.
     */
    static Set<String> allowedCallingAETitles(boolean restrictToRegistry, Set<String> accepted, Set<String> registry) {
        if (!restrictToRegistry) return accepted == null ? null : Set.copyOf(accepted);
        Set<String> allowed = new java.util.HashSet<>(registry);
        if (accepted != null) allowed.retainAll(accepted);
        return Set.copyOf(allowed);
    }
}
