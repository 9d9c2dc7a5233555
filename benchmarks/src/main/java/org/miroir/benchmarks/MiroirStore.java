package org.miroir.benchmarks;

/** Miroir SCU to a discarding Miroir SCP: PENDING until the toolkit's SCU/SCP API (org.miroir.dicom.net) lands. */
final class MiroirStore {
    private MiroirStore() {}

    static StoreContender start(int pdu) {
        throw new IllegalStateException("the Miroir side is pending: org.miroir.dicom.net has no SCU/SCP API yet;"
                + " run with --only dcmtk");
    }
}
