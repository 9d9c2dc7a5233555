package org.miroir.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The sending side of the store benchmark. */
interface StoreScu extends AutoCloseable {
    String name();

    /**
     * Sends every file to {@code scp} over {@code associations} concurrent associations (files dealt round-robin),
     * returns the elapsed nanoseconds from the first connect to the last release. Fails unless every C-STORE succeeded.
     */
    long send(List<Path> files, int associations, StoreScp scp) throws Exception;

    /** Releases what the sender holds (threads, connections); bounded. */
    @Override
    void close();

    /** Splits {@code files} into {@code n} lists, round-robin, so each association sends the same share. */
    static List<List<Path>> deal(List<Path> files, int n) {
        List<List<Path>> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) out.add(new ArrayList<>(files.size() / n + 1));
        for (int k = 0; k < files.size(); k++) out.get(k % n).add(files.get(k));
        return out;
    }
}
