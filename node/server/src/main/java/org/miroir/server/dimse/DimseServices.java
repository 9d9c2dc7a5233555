package org.miroir.server.dimse;

import org.miroir.dicom.data.UID;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.dicom.net.ApplicationEntity;
import org.miroir.dicom.net.DimseHandler;
import org.miroir.dicom.net.TransferCapability;
import org.miroir.server.NodeContext;

/** The DIMSE services of the archive AE and the transfer syntaxes each accepts. */
public final class DimseServices {
    /** Uncompressed syntaxes in order of preference; any other proposed syntax is stored as received. */
    private static final String[] STORAGE_SYNTAXES = {
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(),
            TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid(),
            TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.uid(),
            TransferSyntax.EXPLICIT_VR_BIG_ENDIAN.uid(),
            TransferCapability.ANY};
    private static final String[] QUERY_SYNTAXES = {
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(),
            TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid()};

    private DimseServices() {}

    public static ApplicationEntity archiveAE(NodeContext node) {
        ApplicationEntity ae = new ApplicationEntity(node.config().aeTitle());
        if (node.config().allowedCallingAETitles() != null)
            ae.setAcceptedCallingAETitles(node.config().allowedCallingAETitles());
        ae.addService(UID.Verification, new DimseHandler() {}, QUERY_SYNTAXES);
        StoreScp store = new StoreScp(node.vertx(), node.ingest(), node.config().associationTimeout().toMillis());
        for (String cuid : UID.storageSopClasses()) ae.addService(cuid, store, STORAGE_SYNTAXES);
        return ae;
    }
}
