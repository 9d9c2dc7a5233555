package org.miroir.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Repeated throughput measurements of one contender at one association count. */
final class Measurements {
    private final List<Double> rates = new ArrayList<>();

    void add(int instances, long nanos) {
        rates.add(instances / (nanos / 1e9));
    }

    boolean isEmpty() { return rates.isEmpty(); }

    /** Instances per second: the median of the repeats (robust to one disturbed run). */
    double median() {
        List<Double> s = sorted();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    double min() { return sorted().get(0); }

    double max() { return sorted().get(rates.size() - 1); }

    /** (max - min) / median, in percent: how noisy the repeats were. */
    double spreadPercent() { return 100 * (max() - min()) / median(); }

    List<Double> all() { return List.copyOf(rates); }

    private List<Double> sorted() {
        List<Double> s = new ArrayList<>(rates);
        Collections.sort(s);
        return s;
    }
}
