package org.miroir.storage.rados;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Expected hashes printed by `ceph osd map dicom NAME [NAMESPACE]` (Ceph 16.2.15): every tail length of lookup2. */
class ObjectHashTest {
    @Test
    void matchesCephsRjenkinsHash() {
        assertThat(ObjectHash.of("", "a")).isEqualTo(0x29eec818);
        assertThat(ObjectHash.of("", "abc")).isEqualTo(0x251e4793);
        assertThat(ObjectHash.of("", "abcd")).isEqualTo(0x5ae61fa5);
        assertThat(ObjectHash.of("", "abcdefghijk")).isEqualTo(0xe52b8e4c);
        assertThat(ObjectHash.of("", "abcdefghijkl")).isEqualTo(0x0b1b3ea5);
        assertThat(ObjectHash.of("", "abcdefghijklm")).isEqualTo(0x3122b031);
        assertThat(ObjectHash.of("", "foo")).isEqualTo(0x7fc1f406);
        assertThat(ObjectHash.of("",
                "1.2.840.113619.2.55.3.604688119.969.1268071029.320-0123456789abcdef0123456789abcdef"))
                .isEqualTo(0x80bb2e74);
        assertThat(ObjectHash.of("ns1", "x~1~0000")).isEqualTo(0x9a135939);
        assertThat(ObjectHash.of("proto", "k83")).isEqualTo(0x37623cc0);
    }

    @Test
    void positionsOrderByReversedBitsThenName() {
        ListPosition low = new ListPosition(0x80000000, "b"); // reversed: 1
        ListPosition high = new ListPosition(0x00000001, "a"); // reversed: 0x80000000
        assertThat(low).isLessThan(high);
        assertThat(new ListPosition(5, "a")).isLessThan(new ListPosition(5, "b"));
        ListPosition p = ListPosition.of("ns", "1.2.3-abc");
        assertThat(ListPosition.parse(p.toString())).isEqualTo(p);
        for (String bad : new String[] {"", "zz.a", "0000000.a", "00000000.", "00000000./x", "0000000g.a"})
            assertThatThrownBy(() -> ListPosition.parse(bad)).isInstanceOf(IllegalArgumentException.class);
    }
}
