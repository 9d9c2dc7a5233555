package org.miroir.storage.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {
    @Test
    void knownVectors() throws Exception {
        // FIPS 180-2 example "abc"
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        byte[] data = "abc".getBytes(StandardCharsets.US_ASCII);
        assertThat(Sha256.of(data)).isEqualTo(abc);
        assertThat(Sha256.of(new ByteArrayInputStream(data))).isEqualTo(abc);
        assertThat(Sha256.of(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Sha256.isHex(abc)).isTrue();
        assertThat(Sha256.isHex(abc.toUpperCase())).isFalse();
        assertThat(Sha256.isHex("abc")).isFalse();
    }
}
