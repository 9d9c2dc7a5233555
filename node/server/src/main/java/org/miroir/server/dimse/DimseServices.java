package org.miroir.server.dimse;

import org.miroir.dicom.data.UID;
import org.miroir.dicom.io.TransferSyntax;
import org.miroir.dicom.net.ApplicationEntity;
import org.miroir.dicom.net.AssociationOptions;
import org.miroir.dicom.net.DicomClient;
import org.miroir.dicom.net.DimseHandler;
import org.miroir.dicom.net.TransferCapability;
import org.miroir.cluster.config.AePermission;
import org.miroir.server.NodeContext;
import org.miroir.server.access.DicomAccess;
import org.miroir.server.audit.DicomAudit;
import org.miroir.server.config.NodeConfig;
import org.miroir.server.query.QueryService;
import org.miroir.server.worklist.MppsScp;
import org.miroir.server.worklist.WorklistScp;

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

    /** C-FIND responses per request: beyond this the query ends with 0xA700 and asks to be narrowed. */
    static final int MAX_FIND_MATCHES = 10_000;

    private DimseServices() {}

    /**
     * The archive AE: its calling AE title and host checks and each service's permission from {@code access}, each
     * service audited through {@code audit}.
     */
    public static ApplicationEntity archiveAE(NodeContext node, DicomAccess access, DicomAudit audit) {
        ApplicationEntity ae = new ApplicationEntity(node.config().aeTitle());
        ae.setCallerCheck(access.callerCheck());
        // Who may call follows the cluster-wide AE registry and settings as they change.
        Runnable callers = () -> ae.setAcceptedCallingAETitles(node.settings().allowedCallingAETitles(node.aeRegistry()));
        callers.run();
        node.aeRegistry().onChange(callers);
        node.settings().onChange(callers);
        ae.addService(UID.Verification, new DimseHandler() {}, QUERY_SYNTAXES);
        DimseHandler store = access.require(AePermission.STORE,
                new StoreScp(node.vertx(), node.ingest(), node.config().associationTimeout().toMillis(), audit));
        for (String cuid : UID.storageSopClasses()) {
            ae.addService(cuid, store, STORAGE_SYNTAXES);
            // C-GET sends its sub-operations on the requesting association: we take the SCU role of storage when
            // the requestor offers the SCP role (role selection), in whatever syntax it proposed first.
            ae.addTransferCapability(TransferCapability.scu(cuid, TransferCapability.ANY));
        }
        NodeConfig config = node.config();
        DimseHandler find = access.require(AePermission.QUERY, audit.audited(new FindScp(node.vertx(),
                new QueryService(node.storage().metadata(), node.settings()::fuzzyPersonNameMatching), config.aeTitle(),
                MAX_FIND_MATCHES)));
        for (String cuid : QueryRetrieveModel.FIND) ae.addService(cuid, find, QUERY_SYNTAXES);
        DimseHandler retrieve = access.require(AePermission.RETRIEVE, new RetrieveScp(node.vertx(),
                node.storage().metadata(), node.storage().objects(), node.aeRegistry(),
                // C-MOVE's sub-operations go out on associations of this client: logged like those served.
                new DicomClient(node.vertx(), moveOptions(config)).addListener(new DimseAccessLog()),
                config.dataDir().resolve("spool"), node.metrics(), audit));
        for (String cuid : QueryRetrieveModel.MOVE) ae.addService(cuid, retrieve, QUERY_SYNTAXES);
        for (String cuid : QueryRetrieveModel.GET) ae.addService(cuid, retrieve, QUERY_SYNTAXES);
        ae.addService(UID.ModalityWorklistInformationModelFind, access.require(AePermission.WORKLIST,
                audit.audited(new WorklistScp(node.vertx(), node.storage().metadata(), config.fuzzyPersonNameMatching(),
                        MAX_FIND_MATCHES))), QUERY_SYNTAXES);
        ae.addService(UID.ModalityPerformedProcedureStep, access.require(AePermission.WORKLIST, audit.audited(
                new MppsScp(node.vertx(), node.storage().metadata(), node.dr()::writesAllowed))), QUERY_SYNTAXES);
        return ae;
    }

    /** Associations C-MOVE opens to its destinations: the node's PDU size and timeouts. */
    private static AssociationOptions moveOptions(NodeConfig config) {
        return new AssociationOptions()
                .setMaxPduLengthReceive(config.maxPduLength())
                .setArtimTimeoutMillis(config.associationTimeout().toMillis())
                .setIdleTimeoutMillis(config.idleTimeout().toMillis());
    }
}
