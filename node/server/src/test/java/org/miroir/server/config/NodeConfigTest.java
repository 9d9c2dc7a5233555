package org.miroir.server.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.miroir.storage.metadata.DuplicatePolicy;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeConfigTest {
    @TempDir
    Path tmp;

    /** With no file and no flag: a development node, as the README and OPERATIONS.md say. */
    @Test
    void defaultsMakeADevelopmentNode() throws Exception {
        NodeConfig c = NodeConfig.fromArgs();
        assertThat(c.aeTitle()).isEqualTo("MIROIR");
        assertThat(c.dicomPort()).isEqualTo(11112);
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.hl7Port()).isEqualTo(2575);
        assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.dataDir()).isEqualTo(Path.of("data"));
        assertThat(c.dataDir().toAbsolutePath()).isEqualTo(Path.of("").toAbsolutePath().resolve("data"));
        assertThat(c.allowedCallingAETitles()).as("any calling AE").isNull();
        assertThat(c.duplicatePolicy()).isEqualTo(DuplicatePolicy.IGNORE);
        assertThat(c.storage()).isEqualTo(new JsonObject());
        assertThat(NodeConfig.defaults()).isEqualTo(c);
    }

    @Test
    void flagsOverrideTheFile() throws Exception {
        Path file = tmp.resolve("node.json");
        Files.writeString(file, new JsonObject().put("aeTitle", "FROMFILE").put("dicomPort", 104).put("httpPort", 80)
                .put("hl7Port", 2576).put("dataDir", "/srv/miroir").put("duplicatePolicy", "REJECT").encode());
        NodeConfig c = NodeConfig.fromArgs("--config", file.toString(), "--ae-title", "FROMFLAG", "--hl7-port", "2600",
                "--data-dir", tmp.toString(), "--bind", "127.0.0.1");
        assertThat(c.aeTitle()).isEqualTo("FROMFLAG");
        assertThat(c.hl7Port()).isEqualTo(2600);
        assertThat(c.dataDir()).isEqualTo(tmp);
        assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.dicomPort()).as("from the file").isEqualTo(104);
        assertThat(c.httpPort()).isEqualTo(80);
        assertThat(c.duplicatePolicy()).isEqualTo(DuplicatePolicy.REJECT);
        assertThatThrownBy(() -> NodeConfig.fromArgs("--hl7-port", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--hl7-port");
        assertThatThrownBy(() -> NodeConfig.fromArgs("--hl7-port", "70000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeConfig.fromArgs("--nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown flag");
    }

    /** The production setting: calling AEs restricted to the registry, optionally narrowed further by the list. */
    @Test
    void callingAETitlesRestrictedToTheRegistry() {
        JsonObject registry = new JsonObject().put("CT1", new JsonObject().put("host", "10.0.0.1").put("port", 104))
                .put("WS1", new JsonObject().put("host", "10.0.0.2").put("port", 11112));
        assertThat(NodeConfig.fromJson(new JsonObject().put("aeRegistry", registry)).allowedCallingAETitles())
                .as("a registry alone restricts nothing").isNull();
        assertThat(NodeConfig.fromJson(new JsonObject().put("aeRegistry", registry)
                .put("restrictCallingAETitlesToRegistry", true)).allowedCallingAETitles()).containsExactlyInAnyOrder("CT1", "WS1");
        assertThat(NodeConfig.fromJson(new JsonObject().put("aeRegistry", registry)
                .put("restrictCallingAETitlesToRegistry", true).put("acceptedCallingAETitles", new JsonArray().add("WS1").add("OTHER")))
                .allowedCallingAETitles()).containsExactly("WS1");
        assertThat(NodeConfig.fromJson(new JsonObject().put("acceptedCallingAETitles", new JsonArray().add("OTHER")))
                .allowedCallingAETitles()).containsExactly("OTHER");
        assertThat(NodeConfig.fromJson(new JsonObject().put("restrictCallingAETitlesToRegistry", true))
                .allowedCallingAETitles()).as("an empty registry admits no one").isEmpty();
    }

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

    @Test
    void anOpenNodeStaysOnLoopbackUnlessOpenOnPurpose() {
        assertThat(NodeConfig.fromJson(new JsonObject().put("bindAddress", "127.0.0.2")).auth().open()).isTrue();
        assertThatThrownBy(() -> NodeConfig.fromJson(new JsonObject().put("bindAddress", "0.0.0.0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auth");
        NodeConfig open = NodeConfig.fromJson(new JsonObject().put("bindAddress", "0.0.0.0")
                .put("auth", new JsonObject().put("mode", "open")));
        assertThat(open.auth().open()).isTrue();
        assertThat(open.auth().explicit()).isTrue();
    }

    @Test
    void tokenAuthenticationNeedsIssuerAudienceAndKeys(@TempDir Path dir) throws Exception {
        JsonObject auth = new JsonObject().put("issuer", "https://idp").put("audience", "miroir");
        assertThatThrownBy(() -> NodeConfig.fromJson(new JsonObject().put("auth", auth.copy())))
                .hasMessageContaining("jwksFile or publicKeys");
        assertThatThrownBy(() -> NodeConfig.fromJson(new JsonObject().put("auth", auth.copy().put("jwksFile",
                dir.resolve("missing.json").toString())))).hasMessageContaining("not readable");
        assertThatThrownBy(() -> NodeConfig.fromJson(new JsonObject().put("auth", new JsonObject().put("audience", "a")
                .put("publicKeys", new JsonArray())))).hasMessageContaining("auth.issuer");
        assertThatThrownBy(() -> NodeConfig.fromJson(new JsonObject().put("auth", auth.copy().put("mode", "basic"))))
                .hasMessageContaining("auth.mode");
        Path jwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\": []}");
        NodeConfig c = NodeConfig.fromJson(new JsonObject().put("bindAddress", "0.0.0.0").put("auth", auth.copy()
                .put("jwksFile", jwks.toString()).put("roleNames", new JsonObject().put("radiologist", "rad"))));
        assertThat(c.auth().open()).isFalse();
        assertThat(c.auth().roleNames()).containsEntry(org.miroir.server.auth.Role.RADIOLOGIST, "rad")
                .containsEntry(org.miroir.server.auth.Role.ADMINISTRATOR, "administrator");
        assertThatThrownBy(() -> new org.miroir.server.auth.TokenVerifier(c.auth(), java.time.Clock.systemUTC()))
                .as("no key: unsigned tokens would pass, so the node does not start")
                .hasMessageContaining("no usable signature key");
    }

    @Test
    void httpsAndTheAuditTrailAreConfigured(@TempDir Path dir) {
        assertThatThrownBy(() -> NodeConfig.fromJson(new JsonObject().put("httpsPort", 8443)))
                .hasMessageContaining("tls section");
        NodeConfig c = NodeConfig.fromJson(new JsonObject().put("dataDir", dir.toString())
                .put("audit", new JsonObject().put("host", "127.0.0.1")));
        assertThat(c.audit().port()).isEqualTo(6514);
        assertThat(c.audit().tls()).isTrue();
        assertThat(c.audit().spoolDir()).isEqualTo(dir.resolve("audit-spool"));
        assertThat(c.audit().sourceId()).isEqualTo("MIROIR@127.0.0.1");
        assertThat(NodeConfig.defaults().audit()).isNull();
        assertThatThrownBy(() -> NodeConfig.fromJson(new JsonObject().put("audit", new JsonObject().put("port", 6514))))
                .hasMessageContaining("audit.host");
    }
}
