package org.miroir.storage.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ObjectKeysTest {
    @Test
    void validatesKeys() {
        assertThat(ObjectKeys.requireValid("1.2.840.10008-abc_D")).isEqualTo("1.2.840.10008-abc_D");
        for (String bad : new String[] {"", ".hidden", "a/b", "../x", "a b", "é", "x".repeat(201), null})
            assertThatThrownBy(() -> ObjectKeys.requireValid(bad)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void uniqueKeysAreValidDistinctAndReadable() {
        String a = ObjectKeys.unique("1.2.3.4");
        String b = ObjectKeys.unique("1.2.3.4");
        assertThat(a).startsWith("1.2.3.4-").isNotEqualTo(b);
        assertThat(ObjectKeys.requireValid(ObjectKeys.unique("../évil/" + "9".repeat(400)))).hasSizeLessThanOrEqualTo(200);
        assertThat(ObjectKeys.requireValid(ObjectKeys.unique(null))).hasSize(32);
    }
}
