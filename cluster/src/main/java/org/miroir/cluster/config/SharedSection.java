package org.miroir.cluster.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.miroir.storage.metadata.ConfigEntry;
import org.miroir.storage.metadata.MetadataStore;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One section of the cluster-wide configuration, cached in memory. The metadata store is the truth: a change is
 * written there first, then announced on the event bus; every member (the writer included) reloads the section from
 * the store when it hears of it, and {@link SharedConfig} also reloads every section periodically, so a member that
 * missed the announcement converges anyway.
 */
public final class SharedSection {
    private final Vertx vertx;
    private final MetadataStore store;
    private final String name;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, String> entries = Map.of();

    SharedSection(Vertx vertx, MetadataStore store, String name) {
        ConfigEntry.checkSection(name);
        this.vertx = vertx;
        this.store = store;
        this.name = name;
    }

    public String name() { return name; }

    /** The cached entries: key to JSON text, in key order. */
    public Map<String, String> entries() {
        return entries;
    }

    /** Reads the section from the store; listeners hear of it when something changed. */
    public Future<Void> reload() {
        return Future.fromCompletionStage(store.configEntries(name), vertx.getOrCreateContext()).map(list -> {
            Map<String, String> fresh = new LinkedHashMap<>();
            for (ConfigEntry e : list) fresh.put(e.key(), e.value());
            boolean changed = !fresh.equals(entries);
            entries = Map.copyOf(fresh);
            if (changed) listeners.forEach(Runnable::run);
            return null;
        });
    }

    /** Writes one entry to the store, then tells every member to reload. */
    public Future<Void> put(String key, String jsonValue) {
        ConfigEntry entry = new ConfigEntry(name, key, jsonValue, Instant.now());
        return Future.fromCompletionStage(store.putConfigEntry(entry), vertx.getOrCreateContext())
                .compose(v -> announce());
    }

    /** Removes one entry from the store, then tells every member to reload; {@code false} when there was none. */
    public Future<Boolean> delete(String key) {
        return Future.fromCompletionStage(store.deleteConfigEntry(name, key), vertx.getOrCreateContext())
                .compose(existed -> announce().map(existed));
    }

    private Future<Void> announce() {
        vertx.eventBus().publish(SharedConfig.CHANGED_ADDRESS, name);
        // The writer's own cache is fresh when the call returns, whatever the event bus does.
        return reload();
    }

    /** Called after the cached entries changed (on a Vert.x thread). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }
}
