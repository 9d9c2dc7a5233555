package org.miroir.dicom.net.pdu;

import java.util.List;

/** P-DATA-TF (PS3.8 9.3.5): one or more presentation data values. */
public record PDataTF(List<PDV> pdvs) implements Pdu {
    public PDataTF {
        pdvs = List.copyOf(pdvs);
    }

    @Override
    public int type() { return P_DATA_TF; }

    @Override
    public String toString() { return "P-DATA-TF" + pdvs; }
}
