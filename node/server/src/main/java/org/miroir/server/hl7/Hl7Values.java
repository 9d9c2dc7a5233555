package org.miroir.server.hl7;

import ca.uhn.hl7v2.model.v25.datatype.CE;
import ca.uhn.hl7v2.model.v25.datatype.CNN;
import ca.uhn.hl7v2.model.v25.datatype.CX;
import ca.uhn.hl7v2.model.v25.datatype.TS;
import ca.uhn.hl7v2.model.v25.datatype.XCN;
import ca.uhn.hl7v2.model.v25.datatype.XPN;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.storage.query.DateTimes;
import org.miroir.storage.query.ValueKind;

/**
 * HL7 v2 values as DICOM values: names (XPN, XCN) as PN, time stamps (TS) as DA and TM, coded entries (CE) as code
 * sequence items, identifiers (CX). Empty HL7 values become {@code null}.
 */
final class Hl7Values {
    /** Longest value of the DICOM VRs the mappings write: SH (ids, codes) and LO (descriptions). */
    static final int SH = 16, LO = 64;

    private Hl7Values() {}

    static String text(String v) {
        if (v == null) return null;
        String s = v.strip();
        return s.isEmpty() ? null : s;
    }

    /** An XPN name as PN: family^given^middle^prefix^suffix (HL7 has suffix before prefix). */
    static String personName(XPN n) {
        return pn(n.getXpn1_FamilyName().getFn1_Surname().getValue(), n.getXpn2_GivenName().getValue(),
                n.getXpn3_SecondAndFurtherGivenNamesOrInitialsThereof().getValue(), n.getXpn5_PrefixEgDR().getValue(),
                n.getXpn4_SuffixEgJRorIII().getValue());
    }

    /** An XCN (a person with an id: physicians) as PN. */
    static String personName(XCN n) {
        return pn(n.getXcn2_FamilyName().getFn1_Surname().getValue(), n.getXcn3_GivenName().getValue(),
                n.getXcn4_SecondAndFurtherGivenNamesOrInitialsThereof().getValue(), n.getXcn6_PrefixEgDR().getValue(),
                n.getXcn5_SuffixEgJRorIII().getValue());
    }

    /** A CNN (a person in an NDL: technicians) as PN. */
    static String personName(CNN n) {
        return pn(n.getCnn2_FamilyName().getValue(), n.getCnn3_GivenName().getValue(),
                n.getCnn4_SecondAndFurtherGivenNamesOrInitialsThereof().getValue(), n.getCnn6_PrefixEgDR().getValue(),
                n.getCnn5_SuffixEgJRorIII().getValue());
    }

    private static String pn(String... components) {
        int last = -1;
        for (int i = 0; i < components.length; i++) if (text(components[i]) != null) last = i;
        if (last < 0) return null;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i <= last; i++) {
            if (i > 0) b.append('^');
            String c = text(components[i]);
            if (c != null) b.append(c.replace("^", " ").replace("\\", " "));
        }
        return b.toString();
    }

    /** The date of a time stamp ({@code YYYYMMDD...}), or {@code null}; AE 102 when it is no date. */
    static String date(TS ts, String segment, int field) throws Hl7Rejection {
        String v = text(ts.getTs1_Time().getValue());
        if (v == null) return null;
        String d = v.length() >= 8 ? v.substring(0, 8) : null;
        if (d == null || DateTimes.normalize(ValueKind.DATE, d) == null)
            throw Hl7Rejection.invalid(segment, field, "is not a date");
        return d;
    }

    /** The time of a time stamp as TM ({@code HHMM[SS[.F]]}, time zone dropped), or {@code null} when it has none. */
    static String time(TS ts) {
        String v = text(ts.getTs1_Time().getValue());
        if (v == null || v.length() <= 8) return null;
        String t = v.substring(8);
        int zone = Math.max(t.indexOf('+'), t.indexOf('-'));
        if (zone >= 0) t = t.substring(0, zone);
        return t.isEmpty() || DateTimes.normalize(ValueKind.TIME, t) == null ? null : t;
    }

    /** DICOM Patient's Sex (M, F, O) from HL7 table 0001; unknown and absent are empty. */
    static String sex(String hl7) {
        String v = text(hl7);
        if (v == null) return null;
        return switch (v.toUpperCase(java.util.Locale.ROOT)) {
            case "M" -> "M";
            case "F" -> "F";
            case "O", "A", "N" -> "O";
            default -> null;
        };
    }

    /** The entity identifier of a CX and its assigning authority's namespace, or {@code null} for an empty one. */
    static String[] identifier(CX cx) {
        String id = text(cx.getCx1_IDNumber().getValue());
        return id == null ? null : new String[] {id, text(cx.getCx4_AssigningAuthority().getHd1_NamespaceID().getValue())};
    }

    /**
     * Sets {@code sequence} of {@code parent} to one code item (Code Value, Coding Scheme Designator, Code Meaning);
     * nothing when the code has no value. Items are made in their parent, whose character set they use.
     */
    static void code(Attributes parent, int sequence, String value, String scheme, String meaning) {
        if (text(value) == null) return;
        Attributes item = parent.newSequence(sequence, 1).addNewItem();
        item.setString(Tag.CodeValue, VR.SH, clip(text(value), SH));
        if (text(scheme) != null) item.setString(Tag.CodingSchemeDesignator, VR.SH, clip(text(scheme), SH));
        if (text(meaning) != null) item.setString(Tag.CodeMeaning, VR.LO, clip(text(meaning), LO));
    }

    /** {@link #code} from a CE's first triplet (identifier, text, coding system). */
    static void code(Attributes parent, int sequence, CE ce) {
        code(parent, sequence, ce.getCe1_Identifier().getValue(), ce.getCe3_NameOfCodingSystem().getValue(),
                ce.getCe2_Text().getValue());
    }

    /** At most {@code max} characters (descriptive values are cut rather than refused). */
    static String clip(String v, int max) {
        return v == null || v.length() <= max ? v : v.substring(0, max);
    }

    /** A data set to fill with HL7 text: in UTF-8 (ISO_IR 192) until {@link #finish} finds it needs no more. */
    static Attributes utf8Dataset() {
        Attributes a = new Attributes();
        a.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        return a;
    }

    /** Drops the character set of a data set from {@link #utf8Dataset} whose text is all ASCII. */
    static Attributes finish(Attributes a) {
        if (ascii(a)) a.remove(Tag.SpecificCharacterSet);
        return a;
    }

    private static boolean ascii(Attributes a) {
        for (int i = 0; i < a.size(); i++) {
            Object v = a.valueAt(i);
            if (v instanceof org.miroir.dicom.data.Sequence items) {
                for (Attributes item : items) if (!ascii(item)) return false;
            } else if (v instanceof byte[] b && a.vrAt(i).usesSpecificCharacterSet()) {
                for (byte x : b) if (x < 0) return false;
            }
        }
        return true;
    }
}
