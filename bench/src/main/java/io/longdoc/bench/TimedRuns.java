package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import java.util.Locale;

/** Warm-up, then timed runs, with the resident-set growth they caused. */
final class TimedRuns {

    interface Run {
        void run() throws Exception;
    }

    private TimedRuns() {}

    static Sample measure(String label, int warmup, int runs, Run run) throws Exception {
        if (runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("runs must be ≥ 1 and warm-up ≥ 0, got runs=" + runs + ", warm-up=" + warmup);
        }
        progress(label + ": " + warmup + " warm-up + " + runs + " timed runs");
        System.gc();
        // The floor is taken before the warm-up so the first run's allocations count; the script makes glibc hand
        // large blocks back to the kernel (MALLOC_MMAP_THRESHOLD_), so each run's working memory shows in the RSS.
        boolean peakReset = ProcessMemory.resetPeak();
        long floor = ProcessMemory.residentBytes();
        for (int i = 0; i < warmup; i++) {
            run.run();
        }
        double[] ms = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            run.run();
            ms[r] = (System.nanoTime() - start) / 1e6;
        }
        long peakMb = peakReset ? Math.max(0, ProcessMemory.peakResidentBytes() - floor) >> 20 : -1;
        Sample sample = new Sample(Stats.median(ms), Stats.min(ms), peakMb, runs);
        progress(String.format(Locale.ROOT, "%s: median %.0f ms (min %.0f), peak +%s MB", label, sample.medianMs(), sample.minMs(),
            sample.peakKnown() ? Long.toString(peakMb) : "?"));
        return sample;
    }
}
