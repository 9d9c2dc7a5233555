package org.miroir.dicom.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.miroir.dicom.testing.PydicomCorpus;

/**
 * pydicom as the oracle: every SH, LO, ST, LT, PN, UC and UT value of Debian's pydicom charset corpus (person names
 * in every character set, sequence items with their own (0008,0005)) decodes to what pydicom decodes, and encodes
 * back to bytes that decode to the same text. One Python run serves the whole class.
 */
class SpecificCharacterSetPydicomTest {
    record Value(String file, String path, VR vr, String[] charset, byte[] raw, List<String> expected) {
        String name() { return file + " " + path + " " + vr + " " + Arrays.toString(charset); }

        SpecificCharacterSet cs() { return SpecificCharacterSet.valueOf(charset); }
    }

    private static List<Value> values;

    /**
     * Writers whose escape sequences differ from ours yet decode the same: one ends every Korean value with a needless
     * ESC ( B; one returns G0 to ASCII (ESC ( B) where value 1, ISO 2022 IR 13, makes it JIS X 0201 Romaji (ESC ( J).
     */
    private static final Set<String> DIFFERENT_ESCAPES = Set.of("chrKoreanMulti.dcm", "chrSQEncoding.dcm", "chrSQEncoding1.dcm");

    @BeforeAll
    static void askPydicom() {
        PydicomCorpus.assumeInstalled();
        String[] files = PydicomCorpus.charsetFiles().stream().map(Path::toString).toArray(String[]::new);
        JsonArray out = new JsonArray(PydicomCorpus.python(resource("charset_oracle.py"), files));
        values = new ArrayList<>();
        for (Object o : out) {
            JsonObject v = (JsonObject) o;
            values.add(new Value(v.getString("file"), v.getString("path"), VR.valueOf(v.getString("vr")),
                    v.getJsonArray("charset").stream().map(String.class::cast).toArray(String[]::new),
                    HexFormat.of().parseHex(v.getString("raw")),
                    v.getJsonArray("values").stream().map(String.class::cast).toList()));
        }
    }

    @Test
    void theCorpusCoversEveryCharacterSetFamily() {
        Set<String> withNames = new TreeSet<>(), charsets = new TreeSet<>();
        for (Value v : values) {
            if (v.vr() == VR.PN) withNames.add(v.file());
            charsets.add(String.join("\\", v.charset()));
        }
        // Every DICOM file of the folder has at least one person name, some only in a sequence item.
        Set<String> dicomFiles = new TreeSet<>();
        PydicomCorpus.charsetFiles().stream().map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dcm")).forEach(dicomFiles::add);
        assertThat(withNames).isEqualTo(dicomFiles);
        assertThat(charsets).contains("ISO_IR 100", "ISO_IR 126", "ISO_IR 127", "ISO_IR 138", "ISO_IR 144", "ISO_IR 192",
                "GB18030", "\\ISO 2022 IR 87", "ISO 2022 IR 6\\ISO 2022 IR 87", "ISO 2022 IR 13\\ISO 2022 IR 87",
                "\\ISO 2022 IR 149");
    }

    @TestFactory
    Stream<DynamicTest> decodesAsPydicomDoes() {
        return values.stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            String decoded = v.cs().decode(v.raw(), 0, v.raw().length, v.vr());
            assertThat(asPydicomShowsIt(decoded, v.vr())).isEqualTo(v.expected());
        }));
    }

    @TestFactory
    Stream<DynamicTest> encodingRoundTrips() {
        return values.stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            SpecificCharacterSet cs = v.cs();
            String decoded = cs.decode(v.raw(), 0, v.raw().length, v.vr());
            byte[] encoded = cs.encode(decoded, v.vr());
            assertThat(cs.decode(encoded, 0, encoded.length, v.vr())).isEqualTo(decoded);
            // Most of the corpus writes the escape sequences of PS3.5's examples, byte for byte like us.
            if (!DIFFERENT_ESCAPES.contains(v.file())) assertThat(encoded).isEqualTo(v.raw());
        }));
    }

    /**
     * Each single-byte defined term decodes every byte as pydicom's codec for it does (where that codec defines
     * the byte; JIS X 0201 only in its Romaji and Katakana ranges).
     */
    @Test
    void singleByteTermsDecodeEveryByteAsPydicom() {
        List<String> terms = List.of("ISO_IR 6", "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 126",
                "ISO_IR 127", "ISO_IR 138", "ISO_IR 144", "ISO_IR 148", "ISO_IR 166", "ISO_IR 13");
        String script = String.join("\n",
                "import json, sys",
                "from pydicom.charset import python_encoding",
                "out = {}",
                "for term in sys.argv[1:]:",
                "    row = []",
                "    for b in range(256):",
                "        try: row.append(bytes([b]).decode(python_encoding[term]))",
                "        except UnicodeDecodeError: row.append(None)",
                "    out[term] = row",
                "print(json.dumps(out))");
        JsonObject oracle = new JsonObject(PydicomCorpus.python(script, terms.toArray(String[]::new)));
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (String term : terms) {
            SpecificCharacterSet cs = SpecificCharacterSet.valueOf(term);
            JsonArray expected = oracle.getJsonArray(term);
            for (int b = 0; b < 256; b++) {
                String py = expected.getString(b);
                if (py == null) continue;
                if (term.equals("ISO_IR 13") && b >= 0x80 && (b < 0xA1 || b > 0xDF)) continue;
                compared++;
                String ours = cs.decode(new byte[] {(byte) b}, 0, 1, VR.LO);
                if (!ours.equals(py)) mismatches.add(term + " " + Integer.toHexString(b) + ": pydicom " + py + ", ours " + ours);
            }
        }
        assertThat(compared).isGreaterThan(2800);
        assertThat(mismatches).isEmpty();
    }

    /** pydicom's view of a value: split into values, trailing spaces and NULs removed, and no empty trailing PN groups. */
    private static List<String> asPydicomShowsIt(String s, VR vr) {
        String[] parts = vr.isMultiValuedText() ? s.split("\\\\", -1) : new String[] {s};
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            int end = p.length();
            while (end > 0 && (p.charAt(end - 1) == ' ' || p.charAt(end - 1) == '\0')) end--;
            p = p.substring(0, end);
            if (vr == VR.PN) {
                while (p.endsWith("=")) p = p.substring(0, p.length() - 1);
            }
            out.add(p);
        }
        return out;
    }

    private static String resource(String name) {
        try (InputStream in = SpecificCharacterSetPydicomTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
