package org.miroir.server.deid;

import org.junit.jupiter.api.Test;
import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Tag;
import org.miroir.dicom.data.VR;

import static org.assertj.core.api.Assertions.assertThat;

/** The profile's actions on one data set, nested and private attributes included; the e2e test checks with dcmdump. */
class DeidentifierTest {

    @Test
    void compoundCodesResolveToWhatKeepsAnyIodConformant() {
        assertThat(Action.resolve("X/Z", VR.DA)).isEqualTo(Action.EMPTY);
        assertThat(Action.resolve("Z/D", VR.DA)).isEqualTo(Action.DUMMY);
        assertThat(Action.resolve("X/Z/D", VR.LO)).isEqualTo(Action.DUMMY);
        assertThat(Action.resolve("X/D", VR.UI)).isEqualTo(Action.NEW_UID);
        assertThat(Action.resolve("U", VR.UI)).isEqualTo(Action.NEW_UID);
        assertThat(Action.resolve("X", VR.PN)).isEqualTo(Action.REMOVE);
        assertThat(Action.resolve("X/Z/U*", VR.SQ)).isEqualTo(Action.CLEAN_ITEMS);
        assertThat(Action.resolve("X/Z/D", VR.SQ)).isEqualTo(Action.EMPTY);
        assertThat(Action.resolve("D", VR.SQ)).isEqualTo(Action.EMPTY);
        assertThat(Action.resolve("X", VR.SQ)).isEqualTo(Action.REMOVE);
    }

    @Test
    void theTableIsReadWithItsRepeatingGroupsAndPrivateAttributesGo() {
        BasicProfile p = BasicProfile.INSTANCE;
        assertThat(p.listed()).hasSizeGreaterThan(230);
        assertThat(p.codeOf(Tag.PatientName)).isEqualTo("Z");
        assertThat(p.codeOf(0x60023000)).isEqualTo("X");
        assertThat(p.codeOf(0x501A0010)).isEqualTo("X");
        assertThat(p.codeOf(0x00091001)).isEqualTo("X");
        assertThat(p.codeOf(Tag.Rows)).isNull();
    }

    @Test
    void aDataSetLosesItsIdentityAtEveryLevelAndKeepsConsistentUids() {
        Attributes ds = new Attributes();
        ds.setString(Tag.PatientName, VR.PN, "DOE^JANE");
        ds.setString(Tag.PatientID, VR.LO, "P-1");
        ds.setString(Tag.PatientAddress, VR.LO, "1 RUE");
        ds.setString(Tag.ContentDate, VR.DA, "20240102");
        ds.setString(Tag.InstitutionName, VR.LO, "HOPITAL");
        ds.setString(Tag.StudyInstanceUID, VR.UI, "1.2.3");
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4");
        ds.setString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.2");
        ds.setInt(Tag.Rows, VR.US, 2);
        ds.setBytes(Tag.PixelData, VR.OW, new byte[] {1, 2, 3, 4});
        ds.setString(0x00110010, VR.LO, "ACME");
        Attributes ref = ds.newSequence(Tag.SourceImageSequence, 1).addNewItem();
        ref.setString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3.4");
        ref.setString(Tag.OperatorsName, VR.PN, "NESTED^NAME");
        ds.newSequence(Tag.InstitutionCodeSequence, 1).addNewItem().setString(Tag.CodeValue, VR.SH, "INST-7");

        Deidentifier d = new Deidentifier();
        d.apply(ds);
        assertThat(ds.getString(Tag.PatientName)).isNull();
        assertThat(ds.contains(Tag.PatientName)).isTrue();
        assertThat(ds.contains(Tag.PatientAddress)).isFalse();
        assertThat(ds.getString(Tag.ContentDate)).isEqualTo("19000101");
        assertThat(ds.getString(Tag.InstitutionName)).isEqualTo("ANONYMIZED");
        assertThat(ds.getString(Tag.SOPInstanceUID)).startsWith("2.25.").isEqualTo(d.uid("1.2.3.4"));
        assertThat(ds.getString(Tag.StudyInstanceUID)).isEqualTo(d.uid("1.2.3")).isNotEqualTo(d.uid("1.2.3.4"));
        assertThat(ds.getString(Tag.SOPClassUID)).isEqualTo("1.2.840.10008.5.1.4.1.1.2");
        assertThat(ds.getBytes(Tag.PixelData)).containsExactly(1, 2, 3, 4);
        assertThat(ds.contains(0x00110010)).isFalse();
        Attributes item = ds.getSequence(Tag.SourceImageSequence).get(0);
        assertThat(item.getString(Tag.ReferencedSOPInstanceUID)).isEqualTo(ds.getString(Tag.SOPInstanceUID));
        assertThat(item.getString(Tag.OperatorsName)).isEqualTo("ANONYMIZED");
        assertThat(ds.getSequence(Tag.InstitutionCodeSequence)).isEmpty();
        assertThat(ds.getString(Tag.PatientIdentityRemoved)).isEqualTo("YES");
        assertThat(ds.getSequence(Tag.DeidentificationMethodCodeSequence).get(0).getString(Tag.CodeValue))
                .isEqualTo("113100");
        assertThat(new Deidentifier().uid("1.2.3")).as("another export, other UIDs").isNotEqualTo(d.uid("1.2.3"));
    }
}
