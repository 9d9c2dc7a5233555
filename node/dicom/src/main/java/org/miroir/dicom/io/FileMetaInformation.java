package org.miroir.dicom.io;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.data.Implementation;
import org.miroir.dicom.data.VR;

/** Builds Part 10 meta information (PS3.10 7.1); {@link DicomOutputStream} computes its group length when writing. */
public final class FileMetaInformation {
    private FileMetaInformation() {}

    public static Attributes create(String sopInstanceUID, String sopClassUID, String transferSyntaxUID) {
        Attributes fmi = new Attributes(8);
        fmi.setBytes(0x00020001, VR.OB, new byte[] {0, 1});
        fmi.setString(0x00020002, VR.UI, sopClassUID);
        fmi.setString(0x00020003, VR.UI, sopInstanceUID);
        fmi.setString(0x00020010, VR.UI, transferSyntaxUID);
        fmi.setString(0x00020012, VR.UI, Implementation.CLASS_UID);
        fmi.setString(0x00020013, VR.SH, Implementation.VERSION_NAME);
        return fmi;
    }
}
