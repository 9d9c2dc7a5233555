package org.miroir.server.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import io.prometheus.client.hotspot.DefaultExports;

import java.io.IOException;
import java.io.StringWriter;

/**
 * The node's Prometheus metrics. One registry per node (not the global default) so several nodes can share a JVM in tests.
 * Labels are bounded sets (operation, status class, reason, route): never UIDs or patient data.
 */
public final class NodeMetrics {
    private static final double[] LATENCY_BUCKETS =
            {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    public final CollectorRegistry registry = new CollectorRegistry(true);

    public final Gauge associationsActive = Gauge.build("miroir_associations_active", "Open DICOM associations.")
            .register(registry);
    public final Counter associationsAccepted = Counter.build("miroir_associations_accepted_total",
            "DICOM associations accepted.").register(registry);
    public final Counter associationsRejected = Counter.build("miroir_associations_rejected_total",
            "DICOM associations rejected or aborted before acceptance, by reason.")
            .labelNames("reason").register(registry);
    public final Histogram dimseDuration = Histogram.build("miroir_dimse_duration_seconds",
            "DIMSE operations served, by operation, SOP class group (image, query_retrieve, ...) and final status "
                    + "class.")
            .labelNames("operation", "sop_class", "status").buckets(LATENCY_BUCKETS).register(registry);
    public final Counter bytesReceived = Counter.build("miroir_stored_bytes_total",
            "Bytes of DICOM objects stored.").register(registry);
    public final Counter bytesSent = Counter.build("miroir_retrieved_bytes_total",
            "Bytes of DICOM objects sent to peers (C-MOVE, C-GET, WADO).").register(registry);
    public final Histogram storeStage = Histogram.build("miroir_store_stage_duration_seconds",
            "Store path stages: parse, object_write, metadata_write.")
            .labelNames("stage").buckets(LATENCY_BUCKETS).register(registry);
    public final Counter instancesStored = Counter.build("miroir_instances_stored_total",
            "Instances stored, by outcome (stored, duplicate_ignored, overwritten, rejected, refused, failed).")
            .labelNames("outcome").register(registry);
    public final Histogram httpDuration = Histogram.build("miroir_http_request_duration_seconds",
            "HTTP requests (DICOMweb, admin), by route template, method and status code.")
            .labelNames("route", "method", "code").buckets(LATENCY_BUCKETS).register(registry);

    public final Counter eventLoopBlockingCalls = Counter.build("miroir_event_loop_blocking_calls_total",
            "Object store calls made on an event loop thread, by call: a bug (each stalls that loop), never expected.")
            .labelNames("call").register(registry);

    public final Histogram storageCalls = Histogram.build("miroir_storage_call_duration_seconds",
            "Calls to the storage drivers, by store (metadata, objects), driver and call.")
            .labelNames("store", "driver", "call").buckets(LATENCY_BUCKETS).register(registry);
    public final Counter storageErrors = Counter.build("miroir_storage_call_errors_total",
            "Storage driver calls that failed, by store, driver, call and error (unavailable, invalid, not_found, "
                    + "digest_mismatch, io, other).")
            .labelNames("store", "driver", "call", "error").register(registry);
    public final ObjectStoreCapacity capacity = new ObjectStoreCapacity().register(registry);

    public final Gauge ready = Gauge.build("miroir_node_ready",
            "1 when the node takes traffic (not draining, metadata and object stores reachable), else 0.")
            .register(registry);
    public final Gauge certificateExpiry = Gauge.build("miroir_tls_certificate_expiry_timestamp_seconds",
            "When the earliest certificate of a configured TLS key store expires (Unix time), by listener: dicom, "
                    + "hl7, replication.")
            .labelNames("listener").register(registry);

    public final Counter orphanSweeps = Counter.build("miroir_orphan_sweeps_total",
            "Completed sweeps for objects that no index row points to.").register(registry);
    public final Counter orphansRemoved = Counter.build("miroir_orphan_objects_removed_total",
            "Objects removed because their metadata never committed.").register(registry);

    public final Counter hl7Messages = Counter.build("miroir_hl7_messages_total",
            "HL7 v2 messages received, by type (ADT^A08, ORM^O01, ...; ADT^other, other, unknown) and acknowledgement "
                    + "code (AA, AE, AR; none when there was no MSH to answer).")
            .labelNames("type", "ack").register(registry);
    public final Histogram hl7Duration = Histogram.build("miroir_hl7_message_duration_seconds",
            "HL7 v2 messages, from their last byte to their acknowledgement, by type.")
            .labelNames("type").buckets(LATENCY_BUCKETS).register(registry);
    public final Gauge hl7Connections = Gauge.build("miroir_hl7_connections_active", "Open MLLP connections.")
            .register(registry);
    public final Counter hl7ConnectionsClosed = Counter.build("miroir_hl7_connections_closed_total",
            "MLLP connections the node closed, by reason (limit, frame_timeout, garbage, unanswerable, error).")
            .labelNames("reason").register(registry);

    public NodeMetrics() {
        DefaultExports.register(registry);
    }

    /** The registry in Prometheus text format 0.0.4. */
    public String scrape() {
        StringWriter w = new StringWriter(16 * 1024);
        try {
            TextFormat.write004(w, registry.metricFamilySamples());
        } catch (IOException e) {
            throw new IllegalStateException(e); // StringWriter does not throw
        }
        return w.toString();
    }
}
