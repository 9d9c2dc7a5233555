package org.miroir.dr.site;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A site refuses an RPO objective that its metadata store's journal hold-back makes impossible to meet. */
class SiteSettingsTest {

    private static SiteSettings shipping(long rpoSeconds) {
        return SiteSettings.fromJson(new JsonObject().put("id", "paris").put("initialRole", "ACTIVE")
                .put("witness", "http://127.0.0.1:7444").put("peers", new JsonArray().add("https://127.0.0.1:8443"))
                .put("replication", new JsonObject().put("keyStore", "node.p12").put("trustStore", "trust.p12"))
                .put("rpoSeconds", rpoSeconds));
    }

    @Test
    void anObjectiveNotAboveTheHoldBackIsRefused() {
        assertThatThrownBy(() -> shipping(10).requireRpoAbove(Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("site.rpoSeconds (10) must exceed")
                .hasMessageContaining("10000 ms");
    }

    @Test
    void anObjectiveAboveTheHoldBackIsAccepted() {
        assertThatCode(() -> shipping(11).requireRpoAbove(Duration.ofSeconds(10))).doesNotThrowAnyException();
        assertThatCode(() -> shipping(1).requireRpoAbove(Duration.ZERO)).doesNotThrowAnyException();
    }

    @Test
    void aSiteWithoutPeersShipsNothingAndIsNotChecked() {
        SiteSettings alone = SiteSettings.fromJson(new JsonObject().put("id", "lyon")
                .put("witness", "http://127.0.0.1:7444").put("rpoSeconds", 1));
        assertThatCode(() -> alone.requireRpoAbove(Duration.ofSeconds(10))).doesNotThrowAnyException();
    }

    @Test
    void theDefaultObjectiveIsThirtySeconds() {
        SiteSettings s = SiteSettings.fromJson(new JsonObject().put("id", "lyon").put("witness", "http://127.0.0.1:7444"));
        org.assertj.core.api.Assertions.assertThat(s.rpo()).isEqualTo(Duration.ofSeconds(30));
    }
}
