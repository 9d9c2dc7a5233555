package org.miroir.cluster.config;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The AE registry every member of the cluster uses: C-MOVE destinations and the AEs allowed to call. Entries come
 * from two places: the node's configuration file (fixed until restart) and the cluster-wide section {@code ae} in the
 * metadata store, changed through the admin API while the cluster runs. A cluster-wide entry overrides a file entry
 * of the same AE title.
 */
public final class AeRegistry {
    public static final String SECTION = "ae";
    private static final System.Logger LOG = System.getLogger(AeRegistry.class.getName());

    /** An entry and where it comes from. */
    public record Entry(RemoteAe ae, Source source) {}

    public enum Source { FILE, CLUSTER }

    private final SharedSection cluster;
    private final Map<String, RemoteAe> fromFile;
    private volatile Map<String, Entry> effective = Map.of();

    public AeRegistry(SharedConfig config, Map<String, RemoteAe> fromFile) {
        this.cluster = config.section(SECTION);
        this.fromFile = Map.copyOf(fromFile);
        rebuild();
        cluster.onChange(this::rebuild);
    }

    private void rebuild() {
        Map<String, Entry> m = new TreeMap<>();
        fromFile.forEach((aet, ae) -> m.put(aet, new Entry(ae, Source.FILE)));
        cluster.entries().forEach((aet, json) -> {
            try {
                m.put(aet, new Entry(RemoteAe.fromJson(aet, new JsonObject(json)), Source.CLUSTER));
            } catch (RuntimeException e) {
                // Written by an API that validates: only a hand-edited store gets here. Skip, say so, keep serving.
                LOG.log(Level.WARNING, "ignoring invalid AE registry entry {0}: {1}", aet, e.getMessage());
            }
        });
        effective = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    public Optional<RemoteAe> lookup(String aeTitle) {
        Entry e = effective.get(aeTitle);
        return e == null ? Optional.empty() : Optional.of(e.ae());
    }

    /** Every AE, by title. */
    public Map<String, Entry> entries() {
        return effective;
    }

    /** Adds or replaces a cluster-wide entry; every member uses it once the future completes here and within moments elsewhere. */
    public Future<Void> put(RemoteAe ae) {
        return cluster.put(ae.aeTitle(), ae.toJson().encode());
    }

    /** Removes a cluster-wide entry ({@code false} when there was none); file entries cannot be removed here. */
    public Future<Boolean> remove(String aeTitle) {
        return cluster.delete(aeTitle);
    }

    public boolean definedInFile(String aeTitle) {
        return fromFile.containsKey(aeTitle);
    }

    /** Called (on a Vert.x thread) after the registry changed. */
    public void onChange(Runnable listener) {
        cluster.onChange(listener);
    }
}
