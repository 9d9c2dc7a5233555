package org.miroir.dicom.net.pdu;

/** Asynchronous operations window sub-item (PS3.7 D.3.3.3); 0 means unlimited. */
public record AsyncOpsWindow(int maxOpsInvoked, int maxOpsPerformed) {
    public static final AsyncOpsWindow SYNCHRONOUS = new AsyncOpsWindow(1, 1);
}
