package org.miroir.server.e2e;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.preparser.PreParser;

/** HL7 v2 messages as text (ER7) for the tests: segments from their fields, without counting separators by hand. */
final class Er7 {
    private static final java.util.concurrent.atomic.AtomicInteger CONTROL = new java.util.concurrent.atomic.AtomicInteger();

    private Er7() {}

    /** An MSH segment; {@code charset} (MSH-18) may be null. */
    static String msh(String type, String controlId, String version, String charset) {
        String msh = "MSH|^~\\&|HIS|HOSP|MIROIR|RAD|20250310070000||" + type + "|" + controlId + "|P|" + version;
        return (charset == null ? msh : msh + "||||||" + charset) + "\r";
    }

    /** A segment: {@code fields[i]} is field {@code i + 1}. */
    static String seg(String name, String... fields) {
        return name + "|" + String.join("|", fields) + "\r";
    }

    /** A field of a message at a Terser-like path ({@code MSA-1}, {@code ERR-3-1}); empty when absent. */
    static String field(String message, String path) {
        try {
            String v = PreParser.getFields(message, path)[0];
            return v == null ? "" : v;
        } catch (HL7Exception e) {
            throw new AssertionError("no " + path + " in " + message, e);
        }
    }


    /** A message control ID not used before in this JVM. */
    static String nextControlId() {
        return "CTL" + CONTROL.incrementAndGet();
    }

    /** An MSH segment with the next control ID, no MSH-18. */
    static String msh(String type, String version) {
        return msh(type, nextControlId(), version, null);
    }

    static String pid(String id, String name, String birth, String sex) {
        return seg("PID", "1", "", id + "^^^HOSP^MR", "", name, "", birth, sex);
    }

    static String adt(String event, String version, String pid) {
        return msh("ADT^" + event, version) + seg("EVN", event, "20250310070000") + pid
                + seg("PV1", "1", "O", "RAD^^^HOSP");
    }

    /** An IHE RAD-4 order (ORM^O01): timing in ORC-7, accession etc. in OBR-18 to OBR-20, the station in ORC-18. */
    static String orm(String version, String control, String pid, String placer, String station,
            String start, String accession, String code, String name, String modality, String studyUid) {
        String orc = seg("ORC", control, placer + "^RIS", "", "", "SC", "", "^^^" + start + "^^R", "",
                "20250310070000", "", "", "ORD1^Order^Oscar", "", "", "", "", "", station);
        String[] obr = new String[24];
        java.util.Arrays.fill(obr, "");
        obr[0] = "1";
        obr[1] = placer + "^RIS";
        obr[3] = code + "^" + name + "^LOCAL";
        obr[15] = "ORD1^Order^Oscar";
        obr[17] = accession;
        obr[18] = "RP" + accession;
        obr[19] = "SPS" + accession;
        obr[23] = modality;
        return msh("ORM^O01", version) + pid + seg("PV1", "1", "O", "RAD^^^HOSP", "", "", "", "",
                "REF1^Referring^Rita") + orc + seg("OBR", obr)
                + (studyUid == null ? "" : seg("ZDS", studyUid + "^100^Application^DICOM"));
    }
}
