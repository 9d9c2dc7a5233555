package org.miroir.server.e2e;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.preparser.PreParser;

/** HL7 v2 messages as text (ER7) for the tests: segments from their fields, without counting separators by hand. */
final class Er7 {
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
}
