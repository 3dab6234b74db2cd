package io.longdoc.bench;

import java.util.Arrays;

/** Order statistics of timed runs (nearest rank: every reported value is one that was measured). */
final class Stats {

    private Stats() {}

    static double median(double[] values) {
        return percentile(values, 50);
    }

    static double min(double[] values) {
        return percentile(values, 0);
    }

    /** The nearest-rank percentile: the smallest value with at least {@code p} % of the values at or below it. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
