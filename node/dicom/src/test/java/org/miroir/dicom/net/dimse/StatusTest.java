package org.miroir.dicom.net.dimse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatusTest {
    @Test
    void categories() {
        assertThat(Status.categoryOf(0x0000)).isEqualTo(Status.Category.SUCCESS);
        assertThat(Status.categoryOf(0xFF00)).isEqualTo(Status.Category.PENDING);
        assertThat(Status.categoryOf(0xFF01)).isEqualTo(Status.Category.PENDING);
        assertThat(Status.categoryOf(0xFE00)).isEqualTo(Status.Category.CANCEL);
        for (int w : new int[] {0xB000, 0xB006, 0xB007, 0x0001, 0x0107, 0x0116}) assertThat(Status.categoryOf(w)).isEqualTo(Status.Category.WARNING);
        for (int f : new int[] {0xA700, 0xA900, 0xC000, 0xA801, 0x0122, 0x0211, 0x0110})
            assertThat(Status.categoryOf(f)).isEqualTo(Status.Category.FAILURE);
    }

    @Test
    void commentIsCutToAnLo() {
        Status s = Status.CANNOT_UNDERSTAND.withComment("x".repeat(100));
        assertThat(s.errorComment()).hasSize(64);
        assertThat(s.code()).isEqualTo(0xC000);
        assertThat(DimseResponse.of(s).errorComment()).hasSize(64);
    }
}
