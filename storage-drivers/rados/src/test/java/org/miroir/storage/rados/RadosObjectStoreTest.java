package org.miroir.storage.rados;

import org.junit.jupiter.api.extension.ExtendWith;
import org.miroir.storage.object.ObjectStore;
import org.miroir.storage.testkit.ObjectStoreContract;

/** The testkit's contract with default settings: the 300 MiB object goes through five 64 MiB chunks. */
@ExtendWith(CephExtension.class)
class RadosObjectStoreTest extends ObjectStoreContract {
    @Override
    protected ObjectStore openStore() {
        TestCeph ceph = CephExtension.ceph();
        return ceph.open(ceph.settings("contract"));
    }
}
