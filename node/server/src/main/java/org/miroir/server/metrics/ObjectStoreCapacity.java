package org.miroir.server.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import org.miroir.storage.object.Capacity;

import java.util.List;

/**
 * The object store's size, use and free space as last asked ({@code miroir_object_store_size_bytes},
 * {@code _used_bytes}, {@code _available_bytes}); absent until the store told them, and for a store that does not.
 */
public final class ObjectStoreCapacity extends Collector {
    private volatile Capacity last;

    public void update(Capacity c) {
        last = c;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        Capacity c = last;
        if (c == null) return List.of();
        return List.of(
                new GaugeMetricFamily("miroir_object_store_size_bytes", "The object store's whole size.",
                        c.sizeBytes()),
                new GaugeMetricFamily("miroir_object_store_used_bytes", "What the object store holds now.",
                        c.usedBytes()),
                new GaugeMetricFamily("miroir_object_store_available_bytes",
                        "What new objects can still use in the object store.", c.availableBytes()));
    }
}
