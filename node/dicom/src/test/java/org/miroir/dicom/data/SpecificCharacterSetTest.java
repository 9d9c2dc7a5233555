package org.miroir.dicom.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Examples of PS3.5 Annexes H, I and K, and the rules of PS3.5 6.1.2.5 that the pydicom corpus does not reach. */
class SpecificCharacterSetTest {
    private static final int ESC = 0x1B;

    /** ASCII strings and byte values, concatenated. */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            else out.write((Integer) p);
        }
        return out.toByteArray();
    }

    private static String decode(SpecificCharacterSet cs, byte[] b, VR vr) { return cs.decode(b, 0, b.length, vr); }

    private static void assertBothWays(SpecificCharacterSet cs, VR vr, String text, byte[] encoded) {
        assertThat(decode(cs, encoded, vr)).isEqualTo(text);
        assertThat(cs.encode(text, vr)).isEqualTo(encoded);
    }

    @Test
    void japaneseWithJisX0208_annexH31() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87");
        assertBothWays(cs, VR.PN, "Yamada^Tarou=山田^太郎=やまだ^たろう", bytes("Yamada^Tarou=",
                ESC, "$B;3ED", ESC, "(B^", ESC, "$BB@O:", ESC, "(B=", ESC, "$B$d$^$@", ESC, "(B^", ESC, "$B$?$m$&", ESC, "(B"));
    }

    @Test
    void japaneseWithKatakanaAndJisX0208_annexH32() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO 2022 IR 13", "ISO 2022 IR 87");
        assertBothWays(cs, VR.PN, "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう", bytes(0xD4, 0xCF, 0xC0, 0xDE, "^", 0xC0, 0xDB, 0xB3, "=",
                ESC, "$B;3ED", ESC, "(J^", ESC, "$BB@O:", ESC, "(J=", ESC, "$B$d$^$@", ESC, "(J^", ESC, "$B$?$m$&", ESC, "(J"));
    }

    @Test
    void koreanWithKsX1001_annexI2() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 149");
        assertBothWays(cs, VR.PN, "Hong^Gildong=洪^吉洞=홍^길동", bytes("Hong^Gildong=", ESC, "$)C", 0xFB, 0xF3, "^",
                ESC, "$)C", 0xD1, 0xCE, 0xD4, 0xD7, "=", ESC, "$)C", 0xC8, 0xAB, "^", ESC, "$)C", 0xB1, 0xE6, 0xB5, 0xBF));
    }

    @Test
    void chineseWithGb2312_annexK() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 58");
        assertBothWays(cs, VR.PN, "Zhang^XiaoDong=张^小东=", bytes("Zhang^XiaoDong=", ESC, "$)A", 0xD5, 0xC5, "^",
                ESC, "$)A", 0xD0, 0xA1, 0xB6, 0xAB, "="));
    }

    @Test
    void supplementaryKanjiWithJisX0212() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 159");
        assertBothWays(cs, VR.LO, "丂x", bytes(ESC, "$(D0!", ESC, "(Bx"));
    }

    @Test
    void standAloneSets() {
        assertBothWays(SpecificCharacterSet.valueOf("ISO_IR 192"), VR.PN, "Wang^XiaoDong=王^小東",
                bytes("Wang^XiaoDong=", 0xE7, 0x8E, 0x8B, "^", 0xE5, 0xB0, 0x8F, 0xE6, 0x9D, 0xB1));
        assertBothWays(SpecificCharacterSet.valueOf("GB18030"), VR.PN, "Wang^XiaoDong=王^小东",
                bytes("Wang^XiaoDong=", 0xCD, 0xF5, "^", 0xD0, 0xA1, 0xB6, 0xAB));
        // GBK's second bytes may be 5CH: the value is decoded before it is split at '\'.
        SpecificCharacterSet gbk = SpecificCharacterSet.valueOf("GBK");
        assertBothWays(gbk, VR.LO, "閈\\x", bytes(0xE9, 0x5C, "\\x"));
        // Code extensions are not allowed with them: the extra values are ignored.
        assertThat(SpecificCharacterSet.valueOf("ISO_IR 192", "ISO 2022 IR 87").encode("é", VR.LO)).isEqualTo(bytes(0xC3, 0xA9));
    }

    @Test
    void singleByteSets() {
        assertBothWays(SpecificCharacterSet.valueOf("ISO_IR 100"), VR.PN, "Buc^Jérôme", bytes("Buc^J", 0xE9, "r", 0xF4, "me"));
        assertBothWays(SpecificCharacterSet.valueOf("ISO_IR 101"), VR.LO, "Łódź", bytes(0xA3, 0xF3, "d", 0xBC));
        assertBothWays(SpecificCharacterSet.valueOf("ISO_IR 126"), VR.LO, "Δι", bytes(0xC4, 0xE9));
        assertBothWays(SpecificCharacterSet.valueOf("ISO_IR 144"), VR.LO, "Люк", bytes(0xBB, 0xEE, 0xDA));
        assertBothWays(SpecificCharacterSet.valueOf("ISO_IR 166"), VR.LO, "ก", bytes(0xA1));
        assertBothWays(SpecificCharacterSet.valueOf("ISO_IR 203"), VR.LO, "€", bytes(0xA4));
        assertBothWays(SpecificCharacterSet.valueOf("ISO_IR 13"), VR.LO, "ｱ\\A", bytes(0xB1, "\\A"));
    }

    @Test
    void escapesAreWrittenOnlyWithCodeExtensions() {
        // A single ISO_IR value has no code extensions: what its sets lack becomes '?'.
        assertThat(SpecificCharacterSet.valueOf("ISO_IR 100").encode("a山", VR.LO)).isEqualTo(bytes("a?"));
        assertThat(SpecificCharacterSet.valueOf("", "ISO 2022 IR 87").encode("é", VR.LO)).isEqualTo(bytes("?"));
        // The default repertoire keeps ISO 8859-1, symmetric with its decoding.
        assertThat(SpecificCharacterSet.DEFAULT.encode("é", VR.LO)).isEqualTo(bytes(0xE9));
        assertThat(SpecificCharacterSet.DEFAULT.encode("山", VR.LO)).isEqualTo(bytes("?"));
    }

    @Test
    void theFirstListedSetAbleToEncodeAComponentWins() {
        // KS X 1001 also holds kanji: the order of the values decides.
        assertThat(SpecificCharacterSet.valueOf("", "ISO 2022 IR 149", "ISO 2022 IR 87").encode("山", VR.LO))
                .isEqualTo(bytes(ESC, "$)C", 0xDF, 0xA3));
        assertThat(SpecificCharacterSet.valueOf("", "ISO 2022 IR 87", "ISO 2022 IR 149").encode("山", VR.LO))
                .isEqualTo(bytes(ESC, "$B;3", ESC, "(B"));
        // A component no single set holds is encoded character by character; G0 and G1 switch independently.
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO 2022 IR 13", "ISO 2022 IR 87");
        assertBothWays(cs, VR.LO, "ｱ山ｱ", bytes(0xB1, ESC, "$B;3", 0xB1, ESC, "(J"));
    }

    @Test
    void valueOneReturnsAtDelimitersPerVr() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 149");
        byte[] b = bytes(ESC, "$)C", 0xB1, 0xE8, "\\", 0xC8, 0xF1);
        // In LO '\' separates values and returns G1 to value 1's (none: ISO 8859-1); in LT it is a character.
        assertThat(decode(cs, b, VR.LO)).isEqualTo("김\\Èñ");
        assertThat(decode(cs, b, VR.LT)).isEqualTo("김\\희");
        assertThat(decode(cs, bytes(ESC, "$)C", 0xB1, 0xE8, "\r\n", 0xC8, 0xF1), VR.LT)).isEqualTo("김\r\nÈñ");
        assertThat(decode(cs, bytes(ESC, "$)C", 0xB1, 0xE8, "^", 0xC8, 0xF1), VR.PN)).isEqualTo("김^Èñ");
        assertThat(decode(cs, bytes(ESC, "$)C", 0xB1, 0xE8, "^", 0xC8, 0xF1), VR.LO)).isEqualTo("김^희");
        // Encoding designates the set again after each delimiter.
        assertThat(cs.encode("김\\희", VR.LO)).isEqualTo(bytes(ESC, "$)C", 0xB1, 0xE8, "\\", ESC, "$)C", 0xC8, 0xF1));
        assertThat(cs.encode("김\\희", VR.LT)).isEqualTo(bytes(ESC, "$)C", 0xB1, 0xE8, "\\", 0xC8, 0xF1));
    }

    @Test
    void malformedInputLosesNothingAndNeverThrows() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87");
        // Unknown escape sequences stay in the text; half a two-byte character becomes U+FFFD.
        assertThat(decode(cs, bytes(ESC, "%Gx"), VR.LO)).isEqualTo("\u001B%Gx");
        assertThat(decode(cs, bytes(ESC, "$B;", ESC, "(Bx"), VR.LO)).isEqualTo("\uFFFDx");
        assertThat(decode(cs, bytes(ESC), VR.LO)).isEqualTo("\u001B");
        assertThat(decode(cs, bytes(ESC, "$"), VR.LO)).isEqualTo("\u001B$");
        assertThat(decode(SpecificCharacterSet.valueOf("", "ISO 2022 IR 149"), bytes(ESC, "$)C", 0xB1), VR.LO)).isEqualTo("\uFFFD");
    }

    @Test
    void unknownTermsFallBackToTheDefaultRepertoireWithOneWarning() {
        List<LogRecord> records = new ArrayList<>();
        Logger jul = Logger.getLogger(SpecificCharacterSet.class.getName());
        Handler h = new Handler() {
            @Override public void publish(LogRecord r) { records.add(r); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        jul.addHandler(h);
        try {
            byte[] all = new byte[256];
            for (int i = 0; i < 256; i++) all[i] = (byte) i;
            String term = "ISO_IR 999-" + System.nanoTime();
            SpecificCharacterSet cs = SpecificCharacterSet.valueOf(term);
            String s = decode(cs, all, VR.LO);
            assertThat(s).isEqualTo(new String(all, StandardCharsets.ISO_8859_1));
            assertThat(cs.encode(s, VR.LO)).isEqualTo(all);
            SpecificCharacterSet.valueOf(term);
            assertThat(records).hasSize(1);
            assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
            assertThat(records.get(0).getMessage()).contains(term);
        } finally {
            jul.removeHandler(h);
        }
    }

    @Test
    void lenientTerms() {
        assertThat(decode(SpecificCharacterSet.valueOf("ISO IR 144"), bytes(0xBB), VR.LO)).isEqualTo("Л");
        assertThat(decode(SpecificCharacterSet.valueOf(" ISO_IR 144 "), bytes(0xBB), VR.LO)).isEqualTo("Л");
        assertThat(decode(SpecificCharacterSet.valueOf("", "ISO2022 IR 149"), bytes(ESC, "$)C", 0xB1, 0xE8), VR.LO)).isEqualTo("김");
        // Value 1 alone may designate a G1 two-byte set: no escape needed.
        assertThat(decode(SpecificCharacterSet.valueOf("ISO 2022 IR 149"), bytes(0xB1, 0xE8), VR.LO)).isEqualTo("김");
        assertThat(SpecificCharacterSet.valueOf()).isSameAs(SpecificCharacterSet.DEFAULT);
        assertThat(SpecificCharacterSet.valueOf((String) null)).isSameAs(SpecificCharacterSet.DEFAULT);
        assertThat(SpecificCharacterSet.valueOf("ISO_IR 6")).isSameAs(SpecificCharacterSet.DEFAULT);
        assertThat(SpecificCharacterSet.valueOf("")).isSameAs(SpecificCharacterSet.DEFAULT);
        assertThat(SpecificCharacterSet.valueOf("", "ISO 2022 IR 87").toString()).isEqualTo("\\ISO 2022 IR 87");
    }

    @Test
    void vrsWithoutSpecificCharacterSetUseIso8859_1() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO_IR 192");
        assertThat(decode(cs, bytes(0xC3, 0xA9), VR.CS)).isEqualTo("Ã©");
        assertThat(cs.encode("é", VR.AE)).isEqualTo(bytes(0xE9));
        assertThat(cs.encode("é", VR.UT)).isEqualTo(bytes(0xC3, 0xA9));
    }
}
