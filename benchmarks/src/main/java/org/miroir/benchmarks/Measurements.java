package org.miroir.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Repeated measurements of one quantity: the throughput of one contender at one concurrency, or query latencies. */
final class Measurements {
    private final List<Double> values = new ArrayList<>();

    /** Records a throughput: {@code instances} in {@code nanos}, as instances per second. */
    void add(int instances, long nanos) {
        values.add(instances / (nanos / 1e9));
    }

    /** Records one value as it is (e.g. a latency in milliseconds). */
    void add(double value) {
        values.add(value);
    }

    boolean isEmpty() { return values.isEmpty(); }

    int count() { return values.size(); }

    /** The median of the repeats (robust to one disturbed run). */
    double median() {
        List<Double> s = sorted();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** The nearest-rank percentile ({@code p} in 0..100): the smallest value that at least p% of values do not exceed. */
    double percentile(double p) {
        List<Double> s = sorted();
        int rank = (int) Math.ceil(p / 100 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }

    double min() { return sorted().get(0); }

    double max() { return sorted().get(values.size() - 1); }

    double mean() { return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN); }

    /** (max - min) / median, in percent: how noisy the repeats were. */
    double spreadPercent() { return 100 * (max() - min()) / median(); }

    List<Double> all() { return List.copyOf(values); }

    private List<Double> sorted() {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        return s;
    }
}
