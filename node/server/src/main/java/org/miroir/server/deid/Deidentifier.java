package org.miroir.server.deid;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The Basic Application Level Confidentiality Profile (PS3.15 E.2) applied to the data sets of one export, at every
 * nesting level: each listed attribute gets its action ({@link Action}), private attributes go, others stay; the
 * pixel data is kept as it is. UIDs are replaced consistently within the export (an instance's references to another
 * instance of it still match) and differently from any other export. One per export, one thread.
 */
public final class Deidentifier {
    /** Code 113100, DCM (PS3.16 CID 7050): the profile, recorded in De-identification Method Code Sequence. */
    static final String PROFILE_CODE = "113100";
    static final String PROFILE_MEANING = "Basic Application Confidentiality Profile";
    public static final String METHOD = "DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile";
    private static final String DUMMY_TEXT = "ANONYMIZED";

    private final BasicProfile profile = BasicProfile.INSTANCE;
    private final Map<String, String> uids = new HashMap<>();

    /**
     * Whether the pixels may show identity the Basic Profile does not touch: burned-in annotation needs the Clean
     * Pixel Data Option, which this export does not offer, so such instances are left out.
     */
    public static boolean hasBurnedInAnnotation(Attributes ds) {
        return !"NO".equalsIgnoreCase(ds.getString(Tag.BurnedInAnnotation, "NO").strip());
    }

    /** De-identifies {@code ds} in place and records how (Patient Identity Removed, the method and its code). */
    public void apply(Attributes ds) {
        clean(ds);
        ds.setString(Tag.PatientIdentityRemoved, VR.CS, "YES");
        ds.setString(Tag.DeidentificationMethod, VR.LO, METHOD);
        Attributes code = ds.newSequence(Tag.DeidentificationMethodCodeSequence, 1).addNewItem();
        code.setString(Tag.CodeValue, VR.SH, PROFILE_CODE);
        code.setString(Tag.CodingSchemeDesignator, VR.SH, "DCM");
        code.setString(Tag.CodeMeaning, VR.LO, PROFILE_MEANING);
    }

    /** The replacement of {@code uid} in this export (made on first use). */
    public String uid(String uid) {
        return uids.computeIfAbsent(uid, u -> {
            UUID r = UUID.randomUUID();
            byte[] b = ByteBuffer.allocate(16).putLong(r.getMostSignificantBits()).putLong(r.getLeastSignificantBits())
                    .array();
            return "2.25." + new BigInteger(1, b); // PS3.5 B.2: a UID from a UUID
        });
    }

    private void clean(Attributes ds) {
        for (int tag : ds.tags()) {
            VR vr = ds.getVR(tag);
            String code = profile.codeOf(tag);
            Action action = code != null ? Action.resolve(code, vr) : vr == VR.SQ ? Action.CLEAN_ITEMS : Action.KEEP;
            switch (action) {
                case KEEP -> { }
                case REMOVE -> ds.remove(tag);
                case EMPTY -> {
                    if (vr == VR.SQ) ds.newSequence(tag, 0);
                    else ds.setValue(tag, vr, null);
                }
                case DUMMY -> dummy(ds, tag, vr);
                case NEW_UID -> {
                    String[] values = ds.getStrings(tag);
                    if (values == null || values.length == 0) continue;
                    for (int i = 0; i < values.length; i++) values[i] = values[i].isBlank() ? values[i] : uid(values[i].strip());
                    ds.setString(tag, VR.UI, values);
                }
                case CLEAN_ITEMS -> {
                    Sequence items = ds.getSequence(tag);
                    if (items != null) for (Attributes item : items) clean(item);
                }
            }
        }
    }

    /** A value of the attribute's VR that says nothing (D): fixed text, the epoch of DICOM dates, zeros. */
    private static void dummy(Attributes ds, int tag, VR vr) {
        switch (vr) {
            case DA -> ds.setString(tag, vr, "19000101");
            case DT -> ds.setString(tag, vr, "19000101000000");
            case TM -> ds.setString(tag, vr, "000000");
            case AS -> ds.setString(tag, vr, "000D");
            case DS, IS -> ds.setString(tag, vr, "0");
            case AE, CS -> ds.setString(tag, vr, "ANON");
            case US, SS -> ds.setValue(tag, vr, new byte[2]);
            case UL, SL, FL, AT -> ds.setValue(tag, vr, new byte[4]);
            case FD, SV, UV -> ds.setValue(tag, vr, new byte[8]);
            default -> {
                if (vr.isText()) ds.setString(tag, vr, DUMMY_TEXT);
                else ds.setValue(tag, vr, null);
            }
        }
    }
}
