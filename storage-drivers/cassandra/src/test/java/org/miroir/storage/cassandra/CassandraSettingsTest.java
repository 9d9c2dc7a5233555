package org.miroir.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.miroir.storage.StorageConfig;

class CassandraSettingsTest {
    @Test
    void defaultsAreSafe() {
        CassandraSettings s = CassandraSettings.from(StorageConfig.of(Map.of()));
        assertThat(s.readConsistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_QUORUM);
        assertThat(s.writeConsistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_QUORUM);
        assertThat(s.serialConsistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_SERIAL);
        assertThat(s.keyspace()).isEqualTo("miroir");
        assertThat(s.replication()).isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': '1'}");
        assertThat(s.contactPoints()).hasSize(1);
        assertThat(s.contactPoints().get(0).getPort()).isEqualTo(9042);
    }

    @Test
    void readsProductionSettings() {
        CassandraSettings s = CassandraSettings.from(StorageConfig.of(Map.of(
                "contact-points", "10.0.0.1:9042, 10.0.0.2",
                "replication", "NetworkTopologyStrategy:dc1=3,dc2=3",
                "serial-consistency", "serial",
                "read-consistency", "local_one")));
        assertThat(s.contactPoints()).hasSize(2);
        assertThat(s.replication())
                .isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc1': '3', 'dc2': '3'}");
        assertThat(s.serialConsistency()).isEqualTo(DefaultConsistencyLevel.SERIAL);
        assertThat(s.readConsistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_ONE);
    }

    @Test
    void rejectsInvalidSettingsNamingTheKey() {
        assertThatThrownBy(() -> from("keyspace", "Bad-Name")).hasMessageContaining("'keyspace'");
        assertThatThrownBy(() -> from("replication", "SimpleStrategy:x")).hasMessageContaining("'replication'");
        assertThatThrownBy(() -> from("replication", "NetworkTopologyStrategy:"))
                .hasMessageContaining("'replication'");
        assertThatThrownBy(() -> from("replication", "EverywhereStrategy")).hasMessageContaining("'replication'");
        assertThatThrownBy(() -> from("write-consistency", "LOCAL_SERIAL"))
                .hasMessageContaining("'write-consistency'");
        assertThatThrownBy(() -> from("serial-consistency", "QUORUM")).hasMessageContaining("'serial-consistency'");
        assertThatThrownBy(() -> from("contact-points", "host:99999")).hasMessageContaining("'contact-points'");
        assertThatThrownBy(() -> from("page-size", "0")).hasMessageContaining("'page-size'");
    }

    private static CassandraSettings from(String key, String value) {
        return CassandraSettings.from(StorageConfig.of(Map.of(key, value)));
    }
}
