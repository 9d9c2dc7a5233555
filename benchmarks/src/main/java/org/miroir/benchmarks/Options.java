package org.miroir.benchmarks;

import java.util.Arrays;

/** Command-line values shared by the benchmarks' mains. */
final class Options {
    private Options() {}

    /** {@code v} as an integer of at least 1, else an error naming {@code option}. */
    static int positive(String option, String v) {
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got " + v);
        }
        if (n < 1) throw new IllegalArgumentException(option + " must be at least 1: " + v);
        return n;
    }

    /** A comma-separated list of positive integers, e.g. {@code 1,4}. */
    static int[] positiveList(String option, String v) {
        return Arrays.stream(v.split(",")).mapToInt(s -> positive(option, s)).toArray();
    }
}
