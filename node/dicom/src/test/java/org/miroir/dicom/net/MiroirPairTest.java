package org.miroir.dicom.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.UID;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.net.dimse.DimseResponse;
import org.miroir.dicom.net.dimse.Status;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MiroirPairTest {
    Vertx vertx;
    DicomServer server;
    DicomClient client;
    int port;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        ApplicationEntity ae = new ApplicationEntity("MIROIR");
        ae.addTransferCapability(TransferCapability.scp(UID.Verification, UID.ImplicitVRLittleEndian));
        ae.addService(UID.CTImageStorage, (StoreHandler) (rq, data) -> {
            Buffer all = Buffer.buffer();
            return Future.future(p -> {
                data.handler(all::appendBuffer);
                data.endHandler(v -> p.complete(Status.SUCCESS));
                data.exceptionHandler(p::fail);
            });
        }, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
        server = new DicomServer(vertx, new AssociationOptions()).addApplicationEntity(ae);
        port = server.listen("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        client = new DicomClient(vertx, new AssociationOptions());
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void echoAndStore() throws Exception {
        AssociationRequest rq = new AssociationRequest("SCU", "MIROIR");
        rq.addPresentationContext(UID.Verification, UID.ImplicitVRLittleEndian);
        rq.addPresentationContext(UID.CTImageStorage, UID.ExplicitVRLittleEndian);
        Association as = client.connect("127.0.0.1", port, rq).await(10, TimeUnit.SECONDS);
        DimseResponse rsp = as.cecho().await(10, TimeUnit.SECONDS);
        assertThat(rsp.status()).isEqualTo(0);
        Attributes ds = new Attributes();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4");
        ds.setBytes(Tag.PixelData, VR.OW, new byte[300_000]);
        rsp = as.cstore(UID.CTImageStorage, "1.2.3.4", null, DataSource.of(ds)).await(10, TimeUnit.SECONDS);
        assertThat(rsp.status()).isEqualTo(0);
        as.release().await(10, TimeUnit.SECONDS);
        assertThat(as.state()).isEqualTo(StateMachine.State.STA1);
    }
}
