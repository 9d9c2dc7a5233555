package org.miroir.cluster.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import org.miroir.storage.metadata.MetadataStore;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster-wide configuration of a node: its sections, loaded from the metadata store at start, reloaded when any
 * member announces a change on the event bus, and every {@code refresh} in any case.
 */
public final class SharedConfig {
    static final String CHANGED_ADDRESS = "miroir.config.changed";
    private static final System.Logger LOG = System.getLogger(SharedConfig.class.getName());

    private final Vertx vertx;
    private final MetadataStore store;
    private final Map<String, SharedSection> sections = new LinkedHashMap<>();
    private MessageConsumer<String> consumer;
    private long timer = -1;

    public SharedConfig(Vertx vertx, MetadataStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    /** The section called {@code name}, created on first use; call before {@link #start}. */
    public synchronized SharedSection section(String name) {
        return sections.computeIfAbsent(name, n -> new SharedSection(vertx, store, n));
    }

    /** Loads every section, then listens for changes; fails when the store cannot be read. */
    public Future<Void> start(Duration refresh) {
        consumer = vertx.eventBus().consumer(CHANGED_ADDRESS, msg -> {
            SharedSection s = sections.get(msg.body());
            if (s != null) s.reload().onFailure(t -> LOG.log(Level.WARNING, "reloading configuration section {0} "
                    + "failed (the next refresh retries): {1}", s.name(), t.getMessage()));
        });
        timer = vertx.setPeriodic(refresh.toMillis(), id -> reloadAll()
                .onFailure(t -> LOG.log(Level.WARNING, "configuration refresh failed: " + t.getMessage())));
        return consumer.completion().compose(v -> reloadAll());
    }

    private Future<Void> reloadAll() {
        List<Future<Void>> loads = new ArrayList<>();
        for (SharedSection s : sections.values()) loads.add(s.reload());
        return Future.all(loads).mapEmpty();
    }

    public Future<Void> stop() {
        if (timer != -1) vertx.cancelTimer(timer);
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }
}
