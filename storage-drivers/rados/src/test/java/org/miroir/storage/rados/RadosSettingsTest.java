package org.miroir.storage.rados;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.miroir.storage.StorageConfig;

class RadosSettingsTest {
    private static RadosSettings of(Map<String, String> m) {
        return RadosSettings.from(StorageConfig.of(m));
    }

    @Test
    void defaults() {
        RadosSettings s = of(Map.of("mon-host", "127.0.0.1:3300", "pool", "dicom"));
        assertThat(s.chunkSize()).isEqualTo(64 << 20);
        assertThat(s.writeBuffer()).isEqualTo(4 << 20);
        assertThat(s.user()).isEqualTo("admin");
        assertThat(s.namespace()).isEmpty();
        assertThat(s.options()).containsEntry("client_mount_timeout", "10").containsEntry("rados_mon_op_timeout", "10")
                .containsEntry("rados_osd_op_timeout", "30").containsEntry("ms_async_op_threads", "3")
                .containsEntry("objecter_tick_interval", "1").containsEntry("objecter_timeout", "10");
        assertThat(RadosSettings.laggyAfter(3)).isEqualTo(1);
        assertThat(RadosSettings.laggyAfter(2)).isEqualTo(1);
    }

    @Test
    void sizesTimeoutsAndPassThrough() {
        RadosSettings s = of(Map.of("conf-file", "/etc/ceph/ceph.conf", "pool", "p", "chunk-size", "8M",
                "write-buffer", "512K", "osd-op-timeout", "5", "ceph.rados_osd_op_timeout", "2.5",
                "ceph.ms_dispatch_throttle_bytes", "1000"));
        assertThat(s.chunkSize()).isEqualTo(8 << 20);
        assertThat(s.writeBuffer()).isEqualTo(512 << 10);
        assertThat(s.options()).containsEntry("ms_dispatch_throttle_bytes", "1000")
                .containsEntry("rados_osd_op_timeout", "2.5");
    }

    @Test
    void rejectsWhatCannotWork() {
        assertThatThrownBy(() -> of(Map.of("pool", "p"))).hasMessageContaining("mon-host");
        assertThatThrownBy(() -> of(Map.of("mon-host", "h"))).hasMessageContaining("'pool'");
        assertThatThrownBy(() -> of(Map.of("mon-host", "h", "pool", "p", "chunk-size", "200M")))
                .hasMessageContaining("chunk-size");
        assertThatThrownBy(() -> of(Map.of("mon-host", "h", "pool", "p", "chunk-size", "1M", "write-buffer", "2M")))
                .hasMessageContaining("write-buffer");
        assertThatThrownBy(() -> of(Map.of("mon-host", "h", "pool", "p", "read-buffer", "lots")))
                .hasMessageContaining("read-buffer");
    }
}
