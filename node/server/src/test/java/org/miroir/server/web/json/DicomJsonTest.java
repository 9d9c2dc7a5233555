package org.miroir.server.web.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.BulkData;
import org.miroir.dicom.data.Sequence;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;
import org.miroir.dicom.testing.DatasetAssert;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The DICOM JSON model of PS3.18 F.2, element kind by element kind, and back. */
class DicomJsonTest {

    private static Attributes sample() {
        Attributes a = new Attributes();
        a.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        a.setString(Tag.ImageType, VR.CS, "ORIGINAL", "", "AXIAL");
        a.setString(Tag.PatientName, VR.PN, "Yamada^Tarou=山田^太郎=やまだ^たろう", "Doe^Jane");
        a.setString(Tag.ReferringPhysicianName, VR.PN, "");
        a.setString(Tag.SliceThickness, VR.DS, "2.50");
        a.setString(Tag.ImagePositionPatient, VR.DS, "-125", "1e3", "0.000001");
        a.setString(Tag.SeriesNumber, VR.IS, "+7");
        a.setInt(Tag.Rows, VR.US, 65535);
        a.setInt(Tag.SmallestImagePixelValue, VR.SS, -32768);
        a.setInt(Tag.FrameIncrementPointer, VR.AT, Tag.FrameTime);
        a.setBytes(Tag.RecommendedDisplayFrameRateInFloat, VR.FL, le(4).putFloat(0.1f).array());
        a.setString(0x00090010, VR.LO, "MIROIR TEST");
        a.setBytes(0x00091010, VR.UN, new byte[] {1, 2, 3, 4});
        a.setString(Tag.StudyDescription, VR.LO, "Thorax ± contrast");
        a.setString(Tag.PatientComments, VR.LT, "  leading spaces kept\\no split");
        Sequence s = a.newSequence(Tag.ReferencedStudySequence, 2);
        s.addNewItem().setString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3");
        s.addNewItem();
        a.newSequence(Tag.ReferencedSeriesSequence, 0);
        a.setBytes(Tag.OverlayData, VR.OW, new byte[] {1, 0, 2, 0});
        return a;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void writesEachKindAsPs318Says() {
        JsonObject j = new DicomJsonWriter().write(sample());
        assertThat(j.fieldNames()).startsWith("00080005"); // tag order
        assertThat(j.getJsonObject("00080008").getJsonArray("Value")).isEqualTo(new JsonArray().add("ORIGINAL").addNull().add("AXIAL"));
        JsonArray pn = j.getJsonObject("00100010").getJsonArray("Value");
        assertThat(pn.getJsonObject(0)).isEqualTo(new JsonObject().put("Alphabetic", "Yamada^Tarou")
                .put("Ideographic", "山田^太郎").put("Phonetic", "やまだ^たろう"));
        assertThat(pn.getJsonObject(1)).isEqualTo(new JsonObject().put("Alphabetic", "Doe^Jane"));
        assertThat(j.getJsonObject("00080090")).isEqualTo(new JsonObject().put("vr", "PN")); // empty: no Value
        assertThat(j.getJsonObject("00180050").encode()).isEqualTo("{\"vr\":\"DS\",\"Value\":[2.50]}");
        assertThat(j.getJsonObject("00200032").encode()).isEqualTo("{\"vr\":\"DS\",\"Value\":[-125,1E+3,0.000001]}");
        assertThat(j.getJsonObject("00200011").encode()).isEqualTo("{\"vr\":\"IS\",\"Value\":[7]}");
        assertThat(j.getJsonObject("00280010").getJsonArray("Value").getValue(0)).isEqualTo(65535);
        assertThat(j.getJsonObject("00280106").getJsonArray("Value").getValue(0)).isEqualTo(-32768);
        assertThat(j.getJsonObject("00280009").getJsonArray("Value").getString(0)).isEqualTo("00181063");
        assertThat(j.getJsonObject("00089459").encode()).contains("[0.1]"); // the float's decimal, not 0.100000001...
        assertThat(j.getJsonObject("00081030").getJsonArray("Value").getString(0)).isEqualTo("Thorax ± contrast");
        assertThat(j.getJsonObject("00104000").getJsonArray("Value")).containsExactly("  leading spaces kept\\no split");
        JsonArray items = j.getJsonObject("00081110").getJsonArray("Value");
        assertThat(items).hasSize(2);
        assertThat(items.getJsonObject(1)).isEqualTo(new JsonObject());
        assertThat(j.getJsonObject("00081115")).isEqualTo(new JsonObject().put("vr", "SQ"));
        assertThat(j.getJsonObject("60003000").getString("InlineBinary")).isEqualTo("AQACAA==");
        assertThat(j.getJsonObject("00091010")).isEqualTo(new JsonObject().put("vr", "UN").put("InlineBinary", "AQIDBA=="));
    }

    @Test
    void invalidNumbersStayTextAndNonFiniteFloatsAreNamed() {
        Attributes a = new Attributes();
        a.setString(Tag.SliceThickness, VR.DS, "abc");
        a.setBytes(Tag.RecommendedDisplayFrameRateInFloat, VR.FL, le(4).putFloat(Float.NaN).array());
        JsonObject j = new DicomJsonWriter().write(a);
        assertThat(j.getJsonObject("00180050").getJsonArray("Value").getValue(0)).isEqualTo("abc");
        assertThat(j.getJsonObject("00089459").getJsonArray("Value").getValue(0)).isEqualTo("NaN");
    }

    @Test
    void largeAndReferencedValuesBecomeBulkDataUris() {
        Attributes a = new Attributes();
        a.setBytes(Tag.OverlayData, VR.OW, new byte[10]);
        a.setBytes(Tag.RedPaletteColorLookupTableData, VR.OW, new byte[2]);
        Sequence s = a.newSequence(Tag.IconImageSequence, 1);
        s.addNewItem().setValue(Tag.PixelData, VR.OB, new BulkData("key", 100, 64, false));
        JsonObject j = new DicomJsonWriter(4, path -> "http://x/bulkdata/" + path).write(a);
        assertThat(j.getJsonObject("60003000").getString("BulkDataURI")).isEqualTo("http://x/bulkdata/60003000");
        assertThat(j.getJsonObject("00281201").getString("InlineBinary")).isEqualTo("AAA=");
        assertThat(j.getJsonObject("00880200").getJsonArray("Value").getJsonObject(0).getJsonObject("7FE00010")
                .getString("BulkDataURI")).isEqualTo("http://x/bulkdata/00880200/0/7FE00010");
    }

    @Test
    void readsBackWhatItWrote() {
        Attributes a = sample();
        Attributes back = DicomJsonReader.read(new DicomJsonWriter().write(a));
        // DS/IS come back as the numbers the JSON holds, not necessarily the same text (PS3.18 F.2.3).
        a.setString(Tag.SliceThickness, VR.DS, "2.50");
        a.setString(Tag.ImagePositionPatient, VR.DS, "-125", "1E+3", "0.000001");
        a.setString(Tag.SeriesNumber, VR.IS, "7");
        DatasetAssert.comparing().tolerate(DatasetAssert.Tolerance.TRAILING_PADDING, "text re-encoded with its padding")
                .assertEquals(a, back);
    }

    @Test
    void malformedJsonNamesTheTag() {
        assertThatThrownBy(() -> DicomJsonReader.read(new JsonObject().put("0010001", new JsonObject().put("vr", "PN"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0010001");
        assertThatThrownBy(() -> DicomJsonReader.read(new JsonObject().put("00100010", new JsonObject().put("vr", "XX"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("00100010");
    }
}
