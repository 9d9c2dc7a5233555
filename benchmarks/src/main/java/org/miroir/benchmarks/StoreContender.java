package org.miroir.benchmarks;

import java.nio.file.Path;
import java.util.List;

/** One side of a store benchmark: an SCU and a discarding SCP of the same implementation, on 127.0.0.1. */
interface StoreContender extends AutoCloseable {
    String name();

    /**
     * Sends every file over {@code associations} concurrent associations (files dealt round-robin) and returns
     * the elapsed nanoseconds. Fails unless every C-STORE succeeded.
     */
    long send(List<Path> files, int associations) throws Exception;

    /** Splits {@code files} into {@code n} lists, round-robin, so each association sends the same share. */
    static List<List<Path>> deal(List<Path> files, int n) {
        List<List<Path>> out = new java.util.ArrayList<>(n);
        for (int k = 0; k < n; k++) out.add(new java.util.ArrayList<>(files.size() / n + 1));
        for (int k = 0; k < files.size(); k++) out.get(k % n).add(files.get(k));
        return out;
    }
}
