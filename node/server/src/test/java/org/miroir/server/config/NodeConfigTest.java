package org.miroir.server.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeConfigTest {
    @TempDir
    Path tmp;

    @Test
    void storageFlagsChooseDriversAndTheirSettings() throws Exception {
        NodeConfig c = NodeConfig.fromArgs("--storage", "cassandra+rados", "--cassandra", "127.0.0.1:9042",
                "--cassandra-dc", "dc1", "--keyspace", "archive", "--ceph-conf", "/etc/ceph/ceph.conf",
                "--ceph-pool", "dicom", "--ceph-namespace", "site1");
        assertThat(c.storage()).isEqualTo(new JsonObject()
                .put("metadata", new JsonObject().put("driver", "cassandra").put("contact-points", "127.0.0.1:9042")
                        .put("local-datacenter", "dc1").put("keyspace", "archive"))
                .put("objects", new JsonObject().put("driver", "rados").put("conf-file", "/etc/ceph/ceph.conf")
                        .put("pool", "dicom").put("namespace", "site1")));
        assertThat(NodeConfig.fromArgs("--storage", "embedded").storage().getJsonObject("objects").getString("driver"))
                .isEqualTo("embedded");
    }

    @Test
    void storageFlagsOverrideTheFileAndKeepItsOtherSettings() throws Exception {
        Path file = tmp.resolve("node.json");
        Files.writeString(file, new JsonObject().put("storage", new JsonObject()
                .put("metadata", new JsonObject().put("driver", "embedded").put("request-timeout-ms", 9000))).encode());
        NodeConfig c = NodeConfig.fromArgs("--config", file.toString(), "--storage", "cassandra+rados",
                "--keyspace", "k");
        assertThat(c.storage().getJsonObject("metadata")).isEqualTo(new JsonObject().put("driver", "cassandra")
                .put("request-timeout-ms", 9000).put("keyspace", "k"));
    }

    @Test
    void malformedStorageIsRefused() {
        assertThatThrownBy(() -> NodeConfig.fromArgs("--storage", "cassandra+")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--storage");
        assertThatThrownBy(() -> NodeConfig.fromArgs("--storage", "a+b+c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeConfig.fromArgs("--storage")).isInstanceOf(IllegalArgumentException.class);
    }
}
