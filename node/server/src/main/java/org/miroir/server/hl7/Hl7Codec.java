package org.miroir.server.hl7;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.Version;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.DefaultModelClassFactory;
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
 * before 2.5 (ERR-1 and MSA-3), v2.5 ones from 2.5 on (ERR-2, ERR-3, ERR-4), with the sender's version in MSH-12. Both
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
        HapiContext acks = new DefaultHapiContext(new AckStructures());
        acks.getParserConfiguration().setIdGenerator(ids);
        ackParser = acks.getPipeParser();
    }

    /** Parses a message of a supported version; HAPI's HL7Exception says what is wrong with it. */
    Message parse(String text) throws HL7Exception {
        return parser.parse(text);
    }

    /** The values at Terser-like paths (e.g. {@code MSH-9-1}) of a message that may not parse; empty when absent. */
    static String[] fields(String text, String... paths) {
        try {
            String[] v = PreParser.getFields(text, paths);
            for (int i = 0; i < v.length; i++) if (v[i] == null) v[i] = "";
            return v;
        } catch (HL7Exception e) {
            return new String[paths.length];
        }
    }

    /**
     * The acknowledgement of {@code text}, encoded: HAPI fills MSH from the received one (sender and receiver
     * swapped, control ID in MSA-2) and, with {@code error}, the ERR segment. {@code null} when {@code text} has no MSH
     * to answer (then there is nobody to address an acknowledgement to).
     */
    String acknowledge(String text, AcknowledgmentCode code, HL7Exception error) {
        String[] msh = fields(text, "MSH-3-1", "MSH-4-1", "MSH-5-1", "MSH-6-1", "MSH-12");
        String version = msh[4] == null ? "" : msh[4].strip();
        try {
            // An unknown version cannot select HAPI's structures: answer in the 2.5 layout, then give it back.
            Segment received = ackParser.getCriticalResponseData(VERSIONS.contains(version) ? text
                    : withVersion(text, "2.5"));
            Message in = received.getMessage();
            in.setParser(ackParser); // else HAPI makes a default parser, whose ID generator writes a file
            Segment inMsh = (Segment) in.get("MSH");
            DeepCopy.copy(received, inMsh);
            for (int i = 0; i < 4; i++) if (msh[i] != null) Terser.set(inMsh, 3 + i, 0, 1, 1, msh[i]);
            Message ack = in.generateACK(code, error);
            if (!VERSIONS.contains(version)) Terser.set((Segment) ack.get("MSH"), 12, 0, 1, 1, version);
            return ackParser.encode(ack);
        } catch (HL7Exception | IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code text} with MSH-12 replaced (only to pick the acknowledgement's structures). */
    private static String withVersion(String text, String version) {
        int start = text.indexOf("MSH");
        if (start < 0 || text.length() < start + 4) return text;
        int end = text.indexOf('\r', start);
        if (end < 0) end = text.length();
        String sep = String.valueOf(text.charAt(start + 3));
        String[] f = text.substring(start, end).split(java.util.regex.Pattern.quote(sep), -1);
        if (f.length < 12) f = java.util.Arrays.copyOf(f, 12);
        for (int i = 0; i < f.length; i++) if (f[i] == null) f[i] = "";
        f[11] = version;
        return text.substring(0, start) + String.join(sep, f) + text.substring(end);
    }

    /** HAPI's structures for acknowledgements: v2.3.1 for the versions before 2.5, v2.5 from 2.5 on. */
    private static final class AckStructures extends DefaultModelClassFactory {
        private static final long serialVersionUID = 1L;

        private static String band(String version) {
            Version v = Version.versionOf(version);
            return v != null && Version.V25.isGreaterThan(v) ? "2.3.1" : "2.5";
        }

        @Override
        public Class<? extends Message> getMessageClass(String name, String version, boolean explicit)
                throws HL7Exception {
            return super.getMessageClass(name, band(version), explicit);
        }

        @Override
        public Class<? extends Group> getGroupClass(String name, String version) throws HL7Exception {
            return super.getGroupClass(name, band(version));
        }

        @Override
        public Class<? extends Segment> getSegmentClass(String name, String version) throws HL7Exception {
            return super.getSegmentClass(name, band(version));
        }

        @Override
        public Class<? extends Type> getTypeClass(String name, String version) throws HL7Exception {
            return super.getTypeClass(name, band(version));
        }
    }
}
