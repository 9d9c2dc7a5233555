package org.miroir.drill;

import org.miroir.dicom.data.Attributes;
import org.miroir.dicom.testing.SyntheticStudies;

import java.util.ArrayDeque;

/**
 * Small CT instances, made on demand, a study of 20 at a time, each chunk from a seed of its own so a drill of any
 * length never repeats a UID and never holds more than one study in memory.
 */
public final class Instances {
    /** One instance to send: its UIDs and data set. */
    public record Item(String studyUid, String seriesUid, String sopClassUid, String sopInstanceUid, Attributes dataset) {}

    private final long seed;
    private final ArrayDeque<Item> chunk = new ArrayDeque<>();
    private long chunks;

    public Instances(long seed) {
        this.seed = seed;
    }

    synchronized Item next() {
        if (chunk.isEmpty()) {
            SyntheticStudies gen = SyntheticStudies.builder().seed(seed * 1_000_003 + chunks++).patients(1)
                    .studiesPerPatient(1).seriesPerStudy(1).instancesPerSeries(20).rows(16).columns(16)
                    .modalities("CT").build();
            for (SyntheticStudies.Instance i : gen.instances())
                chunk.add(new Item(i.study().studyInstanceUid(), i.series().seriesInstanceUid(), i.sopClassUid(),
                        i.sopInstanceUid(), gen.dataset(i)));
        }
        return chunk.poll();
    }
}
