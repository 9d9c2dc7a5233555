package org.miroir.server.encryption;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code storage.encryption} section: off unless present, the password from the file or the environment. */
class EncryptionSettingsTest {
    private static JsonObject section() {
        return new JsonObject().put("keyStore", "/etc/miroir/keys.p12").put("currentKey", "k1");
    }

    @Test
    void offWithoutASectionOrWhenDisabled() {
        assertThat(EncryptionSettings.fromJson(null, Map.of())).isNull();
        assertThat(EncryptionSettings.fromJson(section().put("enabled", false), Map.of())).isNull();
    }

    @Test
    void thePasswordComesFromTheFileOrANamedVariableNeverBothOrNeither() {
        EncryptionSettings s = EncryptionSettings.fromJson(section().put("keyStorePassword", "a"), Map.of());
        assertThat(s.password()).containsExactly('a');
        assertThat(s.keyStoreType()).isEqualTo("PKCS12");
        assertThat(s.readPlaintext()).isTrue();
        s = EncryptionSettings.fromJson(section().put("keyStorePasswordEnv", "KS_PW").put("keyStore", "k.jceks"),
                Map.of("KS_PW", "b"));
        assertThat(s.password()).containsExactly('b');
        assertThat(s.keyStoreType()).isEqualTo("JCEKS");
        assertThatThrownBy(() -> EncryptionSettings.fromJson(section(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EncryptionSettings.fromJson(section().put("keyStorePassword", "a")
                .put("keyStorePasswordEnv", "KS_PW"), Map.of("KS_PW", "b"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EncryptionSettings.fromJson(section().put("keyStorePasswordEnv", "KS_PW"), Map.of()))
                .hasMessageContaining("KS_PW is not set");
        assertThatThrownBy(() -> EncryptionSettings.fromJson(new JsonObject().put("keyStorePassword", "a")
                .put("currentKey", "k1"), Map.of())).hasMessageContaining("keyStore is required");
    }
}
