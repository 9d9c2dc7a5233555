package org.miroir.server.hl7;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.Version;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.preparser.PreParser;
import ca.uhn.hl7v2.util.DeepCopy;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.DefaultValidationWithoutTN;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Set;

/**
 * HAPI, set up once: parsing and acknowledgements. Thread-safe (HAPI's parsers are).
 *
 * <p>Every supported version (2.3.1 to 2.5.1) is parsed into HAPI's v2.5 structures, so the mappings are written once;
 * HAPI's default validation checks data types on the way (dates, times, numbers), less its US-only phone rule.
 * Acknowledgements are built by HAPI from the received MSH in the sender's layout: v2.3.1 structures for versions
 * before 2.5 (ERR-1 and MSA-3), v2.5 ones from 2.5 on (ERR-2, ERR-3, ERR-4), with the sender's version in MSH-12 and
 * its event in MSH-9. Both
 * parsers number acknowledgements from a clock-based start instead of HAPI's default generator, which writes an
 * {@code id_file} into the working directory.
 */
final class Hl7Codec {
    /** The MSH-12 values accepted; messages of other versions are rejected (AR 203). */
    static final Set<String> VERSIONS = Set.of("2.3.1", "2.4", "2.5", "2.5.1");

    private final PipeParser parser;
    private final PipeParser ackParser;

    Hl7Codec() {
        InMemoryIDGenerator ids = new InMemoryIDGenerator() {
            {
                // Unique across restarts and, but for a start in the same millisecond, across nodes.
                set(System.currentTimeMillis() * 1000 + new SecureRandom().nextInt(1000));
            }
        };
        HapiContext parsing = new DefaultHapiContext(new CanonicalModelClassFactory("2.5"));
        parsing.setValidationContext(new DefaultValidationWithoutTN());
        parsing.getParserConfiguration().setIdGenerator(ids);
        parser = parsing.getPipeParser();
        HapiContext acks = new DefaultHapiContext();
        acks.getParserConfiguration().setIdGenerator(ids);
        ackParser = acks.getPipeParser();
    }

    /** Parses a message of a supported version; HAPI's HL7Exception says what is wrong with it. */
    Message parse(String text) throws HL7Exception {
        return parser.parse(text);
    }

    /**
     * The values at Terser-like paths of the MSH (e.g. {@code MSH-9-1}) of a message that may not parse; null when
     * absent. Only the MSH segment is read, so a broken segment further on does not hide the header.
     */
    static String[] fields(String text, String... paths) {
        int start = text.indexOf("MSH");
        int end = start < 0 ? -1 : text.indexOf('\r', start);
        String msh = start < 0 ? "" : end < 0 ? text.substring(start) : text.substring(start, end + 1);
        try {
            return PreParser.getFields(msh, paths);
        } catch (HL7Exception | RuntimeException e) {
            return new String[paths.length];
        }
    }

    /** Fields of any segment (the first of its name) by path, e.g. {@code PID-3-1}; null for those absent. */
    static String[] anyFields(String text, String... paths) {
        try {
            return PreParser.getFields(text, paths);
        } catch (HL7Exception | RuntimeException e) {
            return new String[paths.length];
        }
    }

    /**
     * The acknowledgement of {@code text}, encoded: HAPI fills MSH from the received one (sender and receiver
     * swapped, control ID in MSA-2) and, with {@code error}, the ERR segment. {@code null} when {@code text} has no MSH
     * to answer (then there is nobody to address an acknowledgement to).
     */
    String acknowledge(String text, AcknowledgmentCode code, HL7Exception error) {
        String[] msh = fields(text, "MSH-3-1", "MSH-4-1", "MSH-5-1", "MSH-6-1", "MSH-9-2", "MSH-12", "MSH-11");
        String version = msh[5] == null ? "" : msh[5].strip();
        String processing = msh[6] == null ? "" : msh[6].strip();
        try {
            // HAPI picks the acknowledgement's structures by MSH-12: give it the generation whose layout the sender
            // reads (v2.3.1 before 2.5, v2.5 from then on), and the sender's version back in the acknowledgement.
            Segment received = ackParser.getCriticalResponseData(forAcknowledgement(text, layoutOf(version)));
            Message in = received.getMessage();
            in.setParser(ackParser); // else HAPI makes a default parser, whose ID generator writes a file
            Segment inMsh = (Segment) in.get("MSH");
            DeepCopy.copy(received, inMsh);
            for (int i = 0; i < 4; i++) if (msh[i] != null) Terser.set(inMsh, 3 + i, 0, 1, 1, msh[i]);
            if (msh[4] != null) Terser.set(inMsh, 9, 0, 2, 1, msh[4]);
            Message ack = in.generateACK(code, error);
            Terser.set((Segment) ack.get("MSH"), 11, 0, 1, 1, processing);
            Terser.set((Segment) ack.get("MSH"), 12, 0, 1, 1, version);
            return ackParser.encode(ack);
        } catch (HL7Exception | IOException | RuntimeException e) {
            return null;
        }
    }

    /** The HAPI structures whose acknowledgement layout a version uses: 2.3.1 before 2.5, else 2.5. */
    private static String layoutOf(String version) {
        Version v = Version.versionOf(version);
        return v != null && Version.V25.isGreaterThan(v) ? "2.3.1" : "2.5";
    }

    /**
     * {@code text} with MSH-12 replaced (to pick the acknowledgement's structures) and MSH-11 valued (HAPI needs one
     * to answer); the acknowledgement gets the sender's values back.
     */
    private static String forAcknowledgement(String text, String version) {
        int start = text.indexOf("MSH");
        if (start < 0 || text.length() < start + 4) return text;
        int end = text.indexOf('\r', start);
        if (end < 0) end = text.length();
        String sep = String.valueOf(text.charAt(start + 3));
        String[] f = text.substring(start, end).split(java.util.regex.Pattern.quote(sep), -1);
        if (f.length < 12) f = java.util.Arrays.copyOf(f, 12);
        for (int i = 0; i < f.length; i++) if (f[i] == null) f[i] = "";
        f[11] = version;
        if (f[10].isBlank()) f[10] = "P";
        return text.substring(0, start) + String.join(sep, f) + text.substring(end);
    }
}
