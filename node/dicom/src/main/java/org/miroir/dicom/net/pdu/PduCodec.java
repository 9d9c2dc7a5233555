package org.miroir.dicom.net.pdu;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes PDUs (PS3.8 9.3, PS3.7 D.3.3). Multi-byte integers are big-endian.
 * Decoding checks every length against its container so a hostile PDU fails with a {@link PduException}.
 */
public final class PduCodec {
    private PduCodec() {}

    /** PDU-type (1), reserved (1), PDU-length (4). */
    public static final int HEADER_LENGTH = 6;

    private static final int ITEM_APPLICATION_CONTEXT = 0x10;
    private static final int ITEM_PC_RQ = 0x20;
    private static final int ITEM_PC_AC = 0x21;
    private static final int ITEM_ABSTRACT_SYNTAX = 0x30;
    private static final int ITEM_TRANSFER_SYNTAX = 0x40;
    private static final int ITEM_USER_INFO = 0x50;
    private static final int SUB_MAX_LENGTH = 0x51;
    private static final int SUB_IMPL_CLASS_UID = 0x52;
    private static final int SUB_ASYNC_OPS = 0x53;
    private static final int SUB_ROLE_SELECTION = 0x54;
    private static final int SUB_IMPL_VERSION_NAME = 0x55;
    private static final int SUB_EXT_NEG = 0x56;
    private static final int SUB_COMMON_EXT_NEG = 0x57;
    private static final int SUB_USER_IDENTITY_RQ = 0x58;
    private static final int SUB_USER_IDENTITY_AC = 0x59;

    // ------------------------------------------------------------------ encode

    /** The whole PDU, header included. */
    public static Buffer encode(Pdu pdu) {
        Buffer b = Buffer.buffer(pdu instanceof PDataTF ? 256 : 512);
        b.appendByte((byte) pdu.type()).appendByte((byte) 0).appendInt(0);
        if (pdu instanceof AAssociateRQ rq) {
            encodeAssociate(b, rq.protocolVersion(), rq.calledAETitle(), rq.callingAETitle(),
                    rq.applicationContext(), rq, null, rq.userInformation());
        } else if (pdu instanceof AAssociateAC ac) {
            encodeAssociate(b, ac.protocolVersion(), ac.calledAETitle(), ac.callingAETitle(),
                    ac.applicationContext(), null, ac, ac.userInformation());
        } else if (pdu instanceof AAssociateRJ rj) {
            b.appendByte((byte) 0).appendByte((byte) rj.result()).appendByte((byte) rj.source()).appendByte((byte) rj.reason());
        } else if (pdu instanceof PDataTF p) {
            for (PDV pdv : p.pdvs()) {
                b.appendInt(pdv.data().length() + 2).appendByte((byte) pdv.pcid())
                        .appendByte((byte) pdv.controlHeader()).appendBuffer(pdv.data());
            }
        } else if (pdu instanceof AAbort a) {
            b.appendByte((byte) 0).appendByte((byte) 0).appendByte((byte) a.source()).appendByte((byte) a.reason());
        } else {
            b.appendInt(0); // A-RELEASE-RQ / -RP: 4 reserved bytes
        }
        b.setInt(2, b.length() - HEADER_LENGTH);
        return b;
    }

    private static void encodeAssociate(Buffer b, int version, String called, String calling, String appContext,
                                        AAssociateRQ rq, AAssociateAC ac, UserInformation ui) {
        b.appendUnsignedShort(version).appendUnsignedShort(0);
        appendAETitle(b, called);
        appendAETitle(b, calling);
        b.appendBytes(new byte[32]);
        appendStringItem(b, ITEM_APPLICATION_CONTEXT, appContext);
        if (rq != null) {
            for (PresentationContextRQ pc : rq.presentationContexts()) {
                int start = beginItem(b, ITEM_PC_RQ);
                b.appendByte((byte) pc.id()).appendByte((byte) 0).appendByte((byte) 0).appendByte((byte) 0);
                appendStringItem(b, ITEM_ABSTRACT_SYNTAX, pc.abstractSyntax());
                for (String ts : pc.transferSyntaxes()) appendStringItem(b, ITEM_TRANSFER_SYNTAX, ts);
                endItem(b, start);
            }
        } else {
            for (PresentationContextAC pc : ac.presentationContexts()) {
                int start = beginItem(b, ITEM_PC_AC);
                b.appendByte((byte) pc.id()).appendByte((byte) 0).appendByte((byte) pc.result()).appendByte((byte) 0);
                // PS3.8 9.3.3.2: the transfer syntax sub-item is always present; not significant when rejected.
                appendStringItem(b, ITEM_TRANSFER_SYNTAX, pc.transferSyntax() == null ? "" : pc.transferSyntax());
                endItem(b, start);
            }
        }
        encodeUserInformation(b, ui);
    }

    private static void encodeUserInformation(Buffer b, UserInformation ui) {
        int start = beginItem(b, ITEM_USER_INFO);
        b.appendByte((byte) SUB_MAX_LENGTH).appendByte((byte) 0).appendUnsignedShort(4).appendUnsignedInt(ui.maxPduLength());
        appendStringItem(b, SUB_IMPL_CLASS_UID, ui.implementationClassUid());
        if (ui.asyncOpsWindow() != null) {
            b.appendByte((byte) SUB_ASYNC_OPS).appendByte((byte) 0).appendUnsignedShort(4)
                    .appendUnsignedShort(ui.asyncOpsWindow().maxOpsInvoked())
                    .appendUnsignedShort(ui.asyncOpsWindow().maxOpsPerformed());
        }
        for (RoleSelection rs : ui.roleSelections()) {
            int s = beginItem(b, SUB_ROLE_SELECTION);
            appendShortString(b, rs.sopClassUid());
            b.appendByte((byte) (rs.scu() ? 1 : 0)).appendByte((byte) (rs.scp() ? 1 : 0));
            endItem(b, s);
        }
        if (ui.implementationVersionName() != null) appendStringItem(b, SUB_IMPL_VERSION_NAME, ui.implementationVersionName());
        for (ExtendedNegotiation en : ui.extendedNegotiations()) {
            int s = beginItem(b, SUB_EXT_NEG);
            appendShortString(b, en.sopClassUid());
            b.appendBytes(en.info());
            endItem(b, s);
        }
        for (CommonExtendedNegotiation cen : ui.commonExtendedNegotiations()) {
            int s = beginItem(b, SUB_COMMON_EXT_NEG);
            appendShortString(b, cen.sopClassUid());
            appendShortString(b, cen.serviceClassUid());
            int lenPos = b.length();
            b.appendUnsignedShort(0);
            for (String uid : cen.relatedGeneralSopClassUids()) appendShortString(b, uid);
            b.setUnsignedShort(lenPos, b.length() - lenPos - 2);
            endItem(b, s);
        }
        if (ui.userIdentityRQ() != null) {
            UserIdentityRQ id = ui.userIdentityRQ();
            int s = beginItem(b, SUB_USER_IDENTITY_RQ);
            b.appendByte((byte) id.identityType()).appendByte((byte) (id.positiveResponseRequested() ? 1 : 0));
            byte[] p = id.primaryField(), sec = id.secondaryField();
            b.appendUnsignedShort(p.length).appendBytes(p).appendUnsignedShort(sec.length).appendBytes(sec);
            endItem(b, s);
        }
        if (ui.userIdentityAC() != null) {
            byte[] r = ui.userIdentityAC().serverResponse();
            int s = beginItem(b, SUB_USER_IDENTITY_AC);
            b.appendUnsignedShort(r.length).appendBytes(r);
            endItem(b, s);
        }
        endItem(b, start);
    }

    private static int beginItem(Buffer b, int type) {
        b.appendByte((byte) type).appendByte((byte) 0).appendUnsignedShort(0);
        return b.length();
    }

    private static void endItem(Buffer b, int contentStart) {
        int len = b.length() - contentStart;
        if (len > 0xFFFF) throw new IllegalArgumentException("item longer than 65535 bytes");
        b.setUnsignedShort(contentStart - 2, len);
    }

    private static void appendStringItem(Buffer b, int type, String s) {
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        b.appendByte((byte) type).appendByte((byte) 0).appendUnsignedShort(v.length).appendBytes(v);
    }

    private static void appendShortString(Buffer b, String s) {
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        b.appendUnsignedShort(v.length).appendBytes(v);
    }

    private static void appendAETitle(Buffer b, String aet) {
        byte[] v = aet.getBytes(StandardCharsets.US_ASCII);
        if (v.length == 0 || v.length > 16) throw new IllegalArgumentException("AE title must have 1-16 characters: '" + aet + "'");
        b.appendBytes(v);
        for (int i = v.length; i < 16; i++) b.appendByte((byte) ' ');
    }

    // ------------------------------------------------------------------ decode

    /**
     * Decodes a PDU from its type and its body (the {@code length} bytes after the 6-byte header).
     * P-DATA-TF values are slices of {@code body}.
     */
    public static Pdu decode(int type, Buffer body) throws PduException {
        return switch (type) {
            case Pdu.A_ASSOCIATE_RQ, Pdu.A_ASSOCIATE_AC -> decodeAssociate(type, body);
            case Pdu.A_ASSOCIATE_RJ -> {
                checkFixedLength(type, body);
                yield new AAssociateRJ(body.getUnsignedByte(1), body.getUnsignedByte(2), body.getUnsignedByte(3));
            }
            case Pdu.P_DATA_TF -> decodePData(body);
            case Pdu.A_RELEASE_RQ -> {
                checkFixedLength(type, body);
                yield AReleaseRQ.INSTANCE;
            }
            case Pdu.A_RELEASE_RP -> {
                checkFixedLength(type, body);
                yield AReleaseRP.INSTANCE;
            }
            case Pdu.A_ABORT -> {
                checkFixedLength(type, body);
                yield new AAbort(body.getUnsignedByte(2), body.getUnsignedByte(3));
            }
            default -> throw new PduException(AAbort.UNRECOGNIZED_PDU, "unrecognized " + Pdu.typeName(type));
        };
    }

    private static void checkFixedLength(int type, Buffer body) throws PduException {
        if (body.length() != 4)
            throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE, Pdu.typeName(type) + " with length " + body.length() + " (must be 4)");
    }

    private static PDataTF decodePData(Buffer body) throws PduException {
        List<PDV> pdvs = new ArrayList<>(2);
        int pos = 0, end = body.length();
        while (pos < end) {
            if (end - pos < PDV.HEADER_LENGTH)
                throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE, "truncated PDV item header");
            long itemLength = body.getUnsignedInt(pos);
            if (itemLength < 2 || itemLength > end - pos - 4)
                throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE, "PDV item length " + itemLength + " exceeds its PDU");
            int pcid = body.getUnsignedByte(pos + 4);
            int mch = body.getUnsignedByte(pos + 5);
            if ((mch & ~0x03) != 0)
                throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE, String.format("PDV message control header 0x%02X", mch));
            int dataStart = pos + 6, dataEnd = pos + 4 + (int) itemLength;
            pdvs.add(new PDV(pcid, (mch & PDV.COMMAND) != 0, (mch & PDV.LAST) != 0, body.slice(dataStart, dataEnd)));
            pos = dataEnd;
        }
        if (pdvs.isEmpty()) throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE, "P-DATA-TF without PDV");
        return new PDataTF(pdvs);
    }

    private static Pdu decodeAssociate(int type, Buffer b) throws PduException {
        Reader r = new Reader(b, 0, b.length());
        int version = r.u16();
        r.skip(2);
        String called = r.aeTitle();
        String calling = r.aeTitle();
        r.skip(32);
        String appContext = null;
        List<PresentationContextRQ> pcRQ = new ArrayList<>();
        List<PresentationContextAC> pcAC = new ArrayList<>();
        UserInformation ui = null;
        while (r.remaining() > 0) {
            int itemType = r.u8();
            r.skip(1);
            int len = r.u16();
            Reader item = r.sub(len);
            switch (itemType) {
                case ITEM_APPLICATION_CONTEXT -> appContext = item.rest();
                case ITEM_PC_RQ -> {
                    if (type != Pdu.A_ASSOCIATE_RQ) throw unexpectedItem(itemType);
                    pcRQ.add(decodePresentationContextRQ(item));
                }
                case ITEM_PC_AC -> {
                    if (type != Pdu.A_ASSOCIATE_AC) throw unexpectedItem(itemType);
                    pcAC.add(decodePresentationContextAC(item));
                }
                case ITEM_USER_INFO -> ui = decodeUserInformation(item);
                default -> throw new PduException(AAbort.UNRECOGNIZED_PDU_PARAMETER,
                        String.format("unrecognized item type 0x%02X in %s", itemType, Pdu.typeName(type)));
            }
        }
        if (appContext == null)
            throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE, Pdu.typeName(type) + " without application context");
        if (ui == null)
            throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE, Pdu.typeName(type) + " without user information");
        return type == Pdu.A_ASSOCIATE_RQ
                ? new AAssociateRQ(version, called, calling, appContext, pcRQ, ui)
                : new AAssociateAC(version, called, calling, appContext, pcAC, ui);
    }

    private static PduException unexpectedItem(int itemType) {
        return new PduException(AAbort.UNEXPECTED_PDU_PARAMETER, String.format("unexpected item type 0x%02X", itemType));
    }

    private static PresentationContextRQ decodePresentationContextRQ(Reader r) throws PduException {
        int id = r.u8();
        r.skip(3);
        String abstractSyntax = null;
        List<String> ts = new ArrayList<>(4);
        while (r.remaining() > 0) {
            int t = r.u8();
            r.skip(1);
            String uid = r.sub(r.u16()).rest();
            if (t == ITEM_ABSTRACT_SYNTAX) abstractSyntax = uid;
            else if (t == ITEM_TRANSFER_SYNTAX) ts.add(uid);
            else throw new PduException(AAbort.UNRECOGNIZED_PDU_PARAMETER, String.format("sub-item 0x%02X in presentation context", t));
        }
        if (abstractSyntax == null || ts.isEmpty())
            throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE, "presentation context " + id + " without abstract or transfer syntax");
        return new PresentationContextRQ(id, abstractSyntax, ts);
    }

    private static PresentationContextAC decodePresentationContextAC(Reader r) throws PduException {
        int id = r.u8();
        r.skip(1);
        int result = r.u8();
        r.skip(1);
        String ts = null;
        while (r.remaining() > 0) {
            int t = r.u8();
            r.skip(1);
            String uid = r.sub(r.u16()).rest();
            if (t == ITEM_TRANSFER_SYNTAX) ts = uid;
            else throw new PduException(AAbort.UNRECOGNIZED_PDU_PARAMETER, String.format("sub-item 0x%02X in presentation context", t));
        }
        if (result == PresentationContextAC.ACCEPTANCE && (ts == null || ts.isEmpty()))
            throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE, "accepted presentation context " + id + " without transfer syntax");
        return new PresentationContextAC(id, result, result == PresentationContextAC.ACCEPTANCE ? ts : null);
    }

    private static UserInformation decodeUserInformation(Reader r) throws PduException {
        long maxLength = -1;
        String implClass = null, implVersion = null;
        AsyncOpsWindow async = null;
        List<RoleSelection> roles = new ArrayList<>();
        List<ExtendedNegotiation> ext = new ArrayList<>();
        List<CommonExtendedNegotiation> common = new ArrayList<>();
        UserIdentityRQ idRQ = null;
        UserIdentityAC idAC = null;
        while (r.remaining() > 0) {
            int t = r.u8();
            r.skip(1);
            Reader s = r.sub(r.u16());
            switch (t) {
                case SUB_MAX_LENGTH -> maxLength = s.u32();
                case SUB_IMPL_CLASS_UID -> implClass = s.rest();
                case SUB_IMPL_VERSION_NAME -> implVersion = s.rest();
                case SUB_ASYNC_OPS -> async = new AsyncOpsWindow(s.u16(), s.u16());
                case SUB_ROLE_SELECTION -> {
                    String uid = s.sub(s.u16()).rest();
                    roles.add(new RoleSelection(uid, s.u8() != 0, s.u8() != 0));
                }
                case SUB_EXT_NEG -> {
                    String uid = s.sub(s.u16()).rest();
                    ext.add(new ExtendedNegotiation(uid, s.restBytes()));
                }
                case SUB_COMMON_EXT_NEG -> {
                    String uid = s.sub(s.u16()).rest();
                    String service = s.sub(s.u16()).rest();
                    Reader related = s.sub(s.u16());
                    List<String> uids = new ArrayList<>();
                    while (related.remaining() > 0) uids.add(related.sub(related.u16()).rest());
                    common.add(new CommonExtendedNegotiation(uid, service, uids));
                }
                case SUB_USER_IDENTITY_RQ -> {
                    int idType = s.u8();
                    boolean positive = s.u8() != 0;
                    byte[] primary = s.sub(s.u16()).restBytes();
                    byte[] secondary = s.remaining() > 0 ? s.sub(s.u16()).restBytes() : new byte[0];
                    idRQ = new UserIdentityRQ(idType, positive, primary, secondary);
                }
                case SUB_USER_IDENTITY_AC -> idAC = new UserIdentityAC(s.sub(s.u16()).restBytes());
                default -> { /* PS3.7 D.3.3: unknown sub-items are ignored for forward compatibility. */ }
            }
        }
        if (maxLength < 0) throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE, "user information without maximum length sub-item");
        if (implClass == null || implClass.isEmpty())
            throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE, "user information without implementation class UID");
        return new UserInformation(maxLength, implClass, implVersion, async, roles, ext, common, idRQ, idAC);
    }

    /** Bounds-checked cursor over a region of a buffer. */
    private static final class Reader {
        private final Buffer b;
        private int pos;
        private final int end;

        Reader(Buffer b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        int remaining() { return end - pos; }

        private void need(int n) throws PduException {
            if (n > end - pos) throw new PduException(AAbort.INVALID_PDU_PARAMETER_VALUE,
                    "item length exceeds its container (" + n + " > " + (end - pos) + ")");
        }

        void skip(int n) throws PduException { need(n); pos += n; }

        int u8() throws PduException { need(1); return b.getUnsignedByte(pos++); }

        int u16() throws PduException { need(2); int v = b.getUnsignedShort(pos); pos += 2; return v; }

        long u32() throws PduException { need(4); long v = b.getUnsignedInt(pos); pos += 4; return v; }

        Reader sub(int len) throws PduException {
            need(len);
            Reader r = new Reader(b, pos, pos + len);
            pos += len;
            return r;
        }

        byte[] restBytes() {
            byte[] v = b.getBytes(pos, end);
            pos = end;
            return v;
        }

        /** The rest as ASCII without trailing NUL or space padding (PS3.8 allows either on UIDs). */
        String rest() {
            int e = end;
            while (e > pos && (b.getByte(e - 1) == 0 || b.getByte(e - 1) == ' ')) e--;
            String s = b.getString(pos, e, "US-ASCII");
            pos = end;
            return s;
        }

        String aeTitle() throws PduException {
            need(16);
            String s = b.getString(pos, pos + 16, "US-ASCII").strip();
            pos += 16;
            return s;
        }
    }
}
