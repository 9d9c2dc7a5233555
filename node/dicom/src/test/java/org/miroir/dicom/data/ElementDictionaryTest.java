package org.miroir.dicom.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.miroir.dicom.testing.PydicomCorpus;

class ElementDictionaryTest {

    @Test
    void publicTags() {
        assertThat(ElementDictionary.vrOf(Tag.PatientName)).isEqualTo(VR.PN);
        assertThat(ElementDictionary.keywordOf(0x00100010)).isEqualTo("PatientName");
        assertThat(ElementDictionary.tagForKeyword("PatientName")).isEqualTo(0x00100010);
        assertThat(ElementDictionary.vmOf(Tag.PatientName)).isEqualTo("1");
        assertThat(ElementDictionary.vrOf(Tag.SpecificCharacterSet)).isEqualTo(VR.CS);
        assertThat(ElementDictionary.vmOf(Tag.SpecificCharacterSet)).isEqualTo("1-n");
        assertThat(ElementDictionary.vrOf(Tag.ReferencedSOPSequence)).isEqualTo(VR.SQ);
        assertThat(ElementDictionary.vrOf(Tag.ExtendedOffsetTable)).isEqualTo(VR.OV);
        assertThat(ElementDictionary.vmOf(Tag.ImagePositionPatient)).isEqualTo("3");
        assertThat(ElementDictionary.vmOf(Tag.ReferencedFrameNumber)).isEqualTo("1-n");
    }

    @Test
    void pseudoVrsResolveToOneStandardVr() {
        // dcmtk writes "xs" (US or SS), "ox"/"px"/"lt" (OB or OW) and "up" (UL offsets in DICOMDIRs).
        assertThat(ElementDictionary.vrOf(Tag.SmallestImagePixelValue)).isEqualTo(VR.US);
        assertThat(ElementDictionary.vrOf(Tag.PixelPaddingValue)).isEqualTo(VR.US);
        assertThat(ElementDictionary.vrOf(Tag.LUTDescriptor)).isEqualTo(VR.US);
        assertThat(ElementDictionary.vrOf(Tag.LUTData)).isEqualTo(VR.OW);
        assertThat(ElementDictionary.vrOf(Tag.PixelData)).isEqualTo(VR.OW);
        assertThat(ElementDictionary.vrOf(Tag.WaveformData)).isEqualTo(VR.OW);
        assertThat(ElementDictionary.vrOf(Tag.OffsetOfTheNextDirectoryRecord)).isEqualTo(VR.UL);
    }

    @Test
    void itemsAndDelimitersHaveNoVrButAKeyword() {
        assertThat(Tag.Item).isEqualTo(TagUtils.ITEM);
        assertThat(Tag.ItemDelimitationItem).isEqualTo(TagUtils.ITEM_DELIMITATION);
        assertThat(Tag.SequenceDelimitationItem).isEqualTo(TagUtils.SEQUENCE_DELIMITATION);
        assertThat(ElementDictionary.keywordOf(0xFFFEE0DD)).isEqualTo("SequenceDelimitationItem");
        assertThat(ElementDictionary.vrOf(TagUtils.ITEM)).isEqualTo(VR.UN);
    }

    @Test
    void repeatingGroupsResolveToTheirFirstGroup() {
        assertThat(Tag.OverlayData).isEqualTo(0x60003000);
        assertThat(ElementDictionary.keywordOf(0x60023000)).isEqualTo("OverlayData");
        assertThat(ElementDictionary.vrOf(0x60FE3000)).isEqualTo(VR.OW);
        assertThat(ElementDictionary.vrOf(0x601E0010)).isEqualTo(VR.US);
        assertThat(ElementDictionary.keywordOf(0x601E0010)).isEqualTo("OverlayRows");
        assertThat(ElementDictionary.keywordOf(0x50040005)).isEqualTo("CurveDimensions");
        assertThat(ElementDictionary.keywordOf(0x7F020010)).isEqualTo("VariablePixelData");
        assertThat(ElementDictionary.keywordOf(0x00203102)).isEqualTo("SourceImageIDs");
        // Pixel Data (7FE0,0010) is an exact entry inside the 7Fxx range and wins over it.
        assertThat(ElementDictionary.keywordOf(0x7FE00010)).isEqualTo("PixelData");
        // Odd groups are private, and only even numbers repeat.
        assertThat(ElementDictionary.keywordOf(0x60013000)).isNull();
        assertThat(ElementDictionary.vrOf(0x60013000)).isEqualTo(VR.UN);
        assertThat(ElementDictionary.keywordOf(0x61003000)).isNull();
        assertThat(ElementDictionary.keywordOf(0x00203101)).isNull();
        assertThat(ElementDictionary.tagForKeyword("OverlayData")).isEqualTo(0x60003000);
    }

    @Test
    void groupLengthsArePublicOrGenericUL() {
        assertThat(ElementDictionary.keywordOf(0x00000000)).isEqualTo("CommandGroupLength");
        assertThat(ElementDictionary.keywordOf(0x00020000)).isEqualTo("FileMetaInformationGroupLength");
        assertThat(ElementDictionary.vrOf(0x00080000)).isEqualTo(VR.UL);
        assertThat(ElementDictionary.vrOf(0x00090000)).isEqualTo(VR.UL);
        assertThat(ElementDictionary.vrOf(0x60020000)).isEqualTo(VR.UL);
        assertThat(ElementDictionary.keywordOf(0x00100000)).isNull();
    }

    @Test
    void privateCreatorsAreLOAndOtherPrivateTagsUN() {
        assertThat(ElementDictionary.vrOf(0x00090010)).isEqualTo(VR.LO);
        assertThat(ElementDictionary.vrOf(0x001900FF)).isEqualTo(VR.LO);
        assertThat(ElementDictionary.vrOf(0x00291010)).isEqualTo(VR.UN);
        assertThat(ElementDictionary.vrOf(0x00090100)).isEqualTo(VR.UN);
        assertThat(ElementDictionary.vrOf(0x00090005)).isEqualTo(VR.UN);
        assertThat(ElementDictionary.keywordOf(0x00090010)).isNull();
        assertThat(ElementDictionary.vmOf(0x00291010)).isNull();
    }

    @Test
    void unknownTagsAndKeywords() {
        assertThat(ElementDictionary.vrOf(0x0010FFF0)).isEqualTo(VR.UN);
        assertThat(ElementDictionary.keywordOf(0x0010FFF0)).isNull();
        assertThat(ElementDictionary.vmOf(0x0010FFF0)).isNull();
        assertThat(ElementDictionary.tagForKeyword("NoSuchKeyword")).isEqualTo(-1);
        assertThat(ElementDictionary.tagForKeyword(null)).isEqualTo(-1);
        assertThat(ElementDictionary.keywordOf(0xFFFFFFFF)).isNull();
        assertThat(ElementDictionary.keywordOf(0x00000001)).isEqualTo("CommandLengthToEnd");
    }

    @Test
    void everyTagConstantIsInTheDictionaryUnderItsName() throws IllegalAccessException {
        int n = 0;
        for (Field f : Tag.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != int.class) continue;
            int tag = f.getInt(null);
            assertThat(ElementDictionary.tagForKeyword(f.getName())).as(f.getName()).isEqualTo(tag);
            assertThat(ElementDictionary.keywordOf(tag)).as(f.getName()).isEqualTo(f.getName());
            assertThat(ElementDictionary.vmOf(tag)).as(f.getName()).isNotNull();
            n++;
        }
        assertThat(n).isGreaterThan(4900);
    }

    /**
     * pydicom's own data dictionary (generated from the standard's XML, independently of dcmtk) is the oracle:
     * every tag both know has the same keyword and VM and a VR among pydicom's choices.
     */
    @Test
    void agreesWithPydicomsDictionary() {
        PydicomCorpus.assumeInstalled();
        String script = String.join("\n",
                "import json",
                "from pydicom._dicom_dict import DicomDictionary, RepeatersDictionary",
                "rows = [['%08X' % t, v[0], v[1], v[4]] for t, v in DicomDictionary.items()]",
                "rows += [[k, v[0], v[1], v[4]] for k, v in RepeatersDictionary.items()]",
                "print(json.dumps(rows))");
        JsonArray rows = new JsonArray(PydicomCorpus.python(script));
        List<String> mismatches = new ArrayList<>();
        int compared = 0, unknownToUs = 0;
        for (Object o : rows) {
            JsonArray row = (JsonArray) o;
            String mask = row.getString(0), vrs = row.getString(1), vm = row.getString(2), keyword = row.getString(3);
            if (keyword.isEmpty()) continue; // retired tags PS3.6 no longer names
            String hex = mask;
            if (mask.contains("x")) {
                // dcmtk gives repeating groups as ranges only for 50xx, 60xx, 7Fxx and (0020,31xx); the others
                // (e.g. (1000,xxx0), (0028,04x0)) it lists by their first instance, out of this comparison.
                if (!mask.matches("(50xx|60xx|7Fxx)[0-9A-F]{4}|002031xx")) continue;
                hex = mask.replace("xx", "1E");
            }
            int tag = Integer.parseUnsignedInt(hex, 16);
            if (ElementDictionary.keywordOf(tag) == null) {
                unknownToUs++;
                mismatches.add(hex + " " + keyword + " unknown");
                continue;
            }
            compared++;
            VR vr = ElementDictionary.vrOf(tag);
            boolean vrOk = vrs.equals("NONE") ? vr == VR.UN : List.of(vrs.split(" or ")).contains(vr.name());
            if (!keyword.equals(ElementDictionary.keywordOf(tag)) || !vm.equals(ElementDictionary.vmOf(tag)) || !vrOk) {
                mismatches.add(hex + " pydicom " + keyword + " " + vrs + " " + vm + ", ours " + ElementDictionary.keywordOf(tag)
                        + " " + vr + " " + ElementDictionary.vmOf(tag));
            }
        }
        assertThat(compared).isGreaterThan(4800);
        assertThat(mismatches).isEmpty();
        assertThat(unknownToUs).isZero();
    }
}
