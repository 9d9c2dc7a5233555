package org.miroir.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameIndexTest {
    @Test
    void thePartitionIsTheFirstThreeCodePoints() {
        assertThat(NameIndex.prefix("DOE^JANE")).isEqualTo("DOE");
        assertThat(NameIndex.prefix("LI")).isEqualTo("LI");
        assertThat(NameIndex.prefix("\uD842\uDFB7\u91CE\u5BB6^X")).isEqualTo("\uD842\uDFB7\u91CE\u5BB6");
        assertThat(NameIndex.prefix("")).isNull();
        assertThat(NameIndex.prefix(null)).isNull();
    }

    @Test
    void aLiteralStartBoundsTheSliceOfEveryNameThatStartsWithIt() {
        assertThat(NameIndex.slice("DOE-K3F*")).isEqualTo(new NameIndex.Slice("DOE", "DOE-K3F", "DOE-K3G"));
        assertThat(NameIndex.slice("SMI?H*")).isEqualTo(new NameIndex.Slice("SMI", "SMI", "SMJ"));
        assertThat(NameIndex.slice("ÉLO*")).isEqualTo(new NameIndex.Slice("ÉLO", "ÉLO", "ÉLP"));
        // A supplementary last code point is raised as a whole, not as its low surrogate.
        assertThat(NameIndex.slice("AB\uD842\uDFB7*").upper()).isEqualTo("AB\uD842\uDFB8");
    }

    @Test
    void shortOrUnboundableStartsScan() {
        assertThat(NameIndex.slice("DO*")).isNull();
        assertThat(NameIndex.slice("*DOE")).isNull();
        assertThat(NameIndex.slice("D?E*")).isNull();
        assertThat(NameIndex.slice("AB\uD7FF*")).as("the next code point is a surrogate").isNull();
        assertThat(NameIndex.slice("AB\uDBFF\uDFFF*")).as("the last code point").isNull();
    }
}
