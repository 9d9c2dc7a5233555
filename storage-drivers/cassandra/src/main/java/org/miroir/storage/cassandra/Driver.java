package org.miroir.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import java.time.Duration;

/**
 * Builds the driver session from the settings. The policies, and why:
 * <ul>
 *   <li>Retry: the driver's {@code DefaultRetryPolicy}. It retries a read timeout once when enough replicas answered,
 *       an unavailable once on another coordinator, and a write timeout only for idempotent statements whose batch log
 *       write timed out. Statements are marked: reads and the store batches (explicit write timestamps and fixed
 *       journal positions make a replay write the same cells) are idempotent; lightweight transactions are not, so a
 *       timed-out claim is never re-sent blindly: the store reads the claim back at serial consistency instead.</li>
 *   <li>Speculative execution: only in the {@code read} profile (constant delay, two executions). The driver never
 *       speculates non-idempotent statements; writes run in the default profile without speculation, so a slow
 *       replica cannot double the write load.</li>
 *   <li>Throttling: at most {@code max-requests} CQL requests in flight and {@code request-queue} waiting; beyond that
 *       the driver fails fast, and the store reports a {@code StorageException} (the node answers 0xA700).</li>
 *   <li>Schema changes run in the {@code ddl} profile with a long timeout; the schema debounce window is short so
 *       each DDL statement at start waits about 0.3 s instead of 1-2 s.</li>
 * </ul>
 */
final class Driver {
    static final String DDL_PROFILE = "ddl";
    static final String READ_PROFILE = "read";

    private Driver() {}

    static CqlSession connect(CassandraSettings s) {
        ProgrammaticDriverConfigLoaderBuilder config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, s.requestTimeout())
                .withInt(DefaultDriverOption.REQUEST_PAGE_SIZE, s.pageSize())
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, s.writeConsistency().name())
                .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, s.serialConsistency().name())
                .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, false)
                .withString(DefaultDriverOption.RETRY_POLICY_CLASS, "DefaultRetryPolicy")
                .withString(DefaultDriverOption.SPECULATIVE_EXECUTION_POLICY_CLASS, "NoSpeculativeExecutionPolicy")
                .withString(DefaultDriverOption.REQUEST_THROTTLER_CLASS, "ConcurrencyLimitingRequestThrottler")
                .withInt(DefaultDriverOption.REQUEST_THROTTLER_MAX_CONCURRENT_REQUESTS, s.maxRequests())
                .withInt(DefaultDriverOption.REQUEST_THROTTLER_MAX_QUEUE_SIZE, s.requestQueue())
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(100))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, s.requestTimeout())
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, s.requestTimeout())
                // Back in service soon after Cassandra is: the default backoff grows to 60 s between attempts.
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500))
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, s.reconnectMaxDelay())
                .startProfile(DDL_PROFILE)
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, s.schemaTimeout())
                .endProfile()
                .startProfile(READ_PROFILE)
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, s.readConsistency().name())
                .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true)
                .withString(DefaultDriverOption.SPECULATIVE_EXECUTION_POLICY_CLASS,
                        s.speculativeDelay().isZero() ? "NoSpeculativeExecutionPolicy"
                                : "ConstantSpeculativeExecutionPolicy")
                .withInt(DefaultDriverOption.SPECULATIVE_EXECUTION_MAX, 2)
                .withDuration(DefaultDriverOption.SPECULATIVE_EXECUTION_DELAY,
                        s.speculativeDelay().isZero() ? Duration.ofMillis(100) : s.speculativeDelay())
                .endProfile();
        CqlSessionBuilder b = CqlSession.builder()
                .addContactPoints(s.contactPoints())
                .withLocalDatacenter(s.localDatacenter())
                .withConfigLoader(config.build());
        if (s.username() != null) b = b.withAuthCredentials(s.username(), s.password() == null ? "" : s.password());
        return b.build();
    }
}
