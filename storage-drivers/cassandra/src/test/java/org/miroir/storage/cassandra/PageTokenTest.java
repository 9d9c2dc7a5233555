package org.miroir.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageTokenTest {
    private static final List<Scan.Frame> AT = List.of(new Scan.Frame(ByteBuffer.wrap(new byte[] {1, 2, 3}), 7),
            new Scan.Frame(null, 0));

    @Test
    void roundTrips() {
        String token = PageToken.encode('S', 42, AT);
        assertThat(PageToken.decode('S', 42, 2, token)).isEqualTo(AT);
    }

    @Test
    void refusesTokensOfOtherQueriesAndForgeries() {
        String token = PageToken.encode('S', 42, AT);
        assertThatThrownBy(() -> PageToken.decode('R', 42, 2, token)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PageToken.decode('S', 43, 2, token)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PageToken.decode('S', 42, 3, token)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PageToken.decode('S', 42, 2, "not a token!"))
                .isInstanceOf(IllegalArgumentException.class);
        // A length field claiming 2 GiB must not allocate it.
        ByteBuffer b = ByteBuffer.allocate(1 + 2 + 4 + 1 + 4).put((byte) 1).putChar('S').putInt(42).put((byte) 1)
                .putInt(Integer.MAX_VALUE);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
        assertThatThrownBy(() -> PageToken.decode('S', 42, 1, forged)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PageToken.decode('S', 42, 2, token + "AAAA"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
