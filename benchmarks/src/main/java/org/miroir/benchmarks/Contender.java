package org.miroir.benchmarks;

import java.nio.file.Path;

import io.vertx.core.json.JsonObject;

/**
 * One archive in the ingest benchmark: its name, whether it is Miroir (Miroir's figures are compared to the others'),
 * and how to start a fresh one in an empty directory. Step 3 adds Miroir on Cassandra + Ceph as one more
 * {@link #miroir} contender with that storage configuration ({@code --node NAME=CONFIG.json}).
 */
record Contender(String name, boolean isMiroir, Starter starter) {

    /** Starts a fresh archive keeping its data under {@code dir}, announcing {@code pdu} as its maximum PDU length. */
    interface Starter {
        Archive start(Path dir, int pdu) throws Exception;
    }

    static Contender storescp() {
        return new Contender("storescp", false, StorescpArchive::start);
    }

    static Contender orthanc() {
        return new Contender("Orthanc", false, OrthancArchive::start);
    }

    /**
     * A node started by {@code ops/miroir run} with the JSON configuration {@code config} (its storage section picks
     * the drivers). Every {@code ${run}} in it becomes a token unique to the measurement, so storage outside the run's
     * directory (a Cassandra keyspace, a RADOS namespace) can start empty too.
     */
    static Contender miroir(String name, String config) {
        return new Contender(name, true, (dir, pdu) -> MiroirNode.start(name, dir.resolve("data"),
                new JsonObject(config.replace("${run}", runToken())).put("maxPduLength", pdu)));
    }

    /** A short token unique to this measurement: letters and digits, usable in keyspace and namespace names. */
    static String runToken() {
        return "r" + Long.toString(System.currentTimeMillis(), 36);
    }
}
