package org.miroir.benchmarks;

/**
 * An archive under test (dcmtk storescp writing files, Orthanc, a Miroir node): an SCP that keeps what it receives
 * and can say how much it holds, so a throughput figure counts only instances that really arrived.
 */
interface Archive extends StoreScp {
    /** The instances the archive holds now, counted its own way (files, its index, QIDO). */
    long storedInstances() throws Exception;
}
