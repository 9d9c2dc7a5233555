package org.miroir.dicom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing peer skips an ad-hoc run and fails a run that requires peers (ops/miroir test, CI). */
class PeersTest {
    static final Map<String, String> AD_HOC = Map.of();

    @Test
    void requiredByOpsMiroirTestOrCi() {
        assertThat(Peers.required(AD_HOC)).isFalse();
        assertThat(Peers.required(Map.of(Peers.REQUIRE, "1"))).isTrue();
        assertThat(Peers.required(Map.of("CI", "true"))).isTrue();
        assertThat(Peers.required(Map.of(Peers.REQUIRE, "0", "CI", "false"))).isFalse();
    }

    @Test
    void missingPeerSkipsAdHocAndFailsWhenRequired() {
        assertThatThrownBy(() -> Peers.assume(false, "dcmtk", AD_HOC)).isInstanceOf(TestAbortedException.class);
        assertThat(Peers.present(false, "dcmtk", AD_HOC)).isFalse();
        for (Map<String, String> env : List.of(Map.of(Peers.REQUIRE, "1"), Map.of("CI", "true"))) {
            assertThatThrownBy(() -> Peers.assume(false, "dcmtk", env)).isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("dcmtk is not installed");
            assertThatThrownBy(() -> Peers.present(false, "dcmtk", env)).isInstanceOf(AssertionFailedError.class);
        }
    }

    @Test
    void installedPeerPasses() {
        assertThatCode(() -> Peers.assume(true, "dcmtk", Map.of(Peers.REQUIRE, "1"))).doesNotThrowAnyException();
        assertThat(Peers.present(true, "dcmtk", AD_HOC)).isTrue();
    }
}
