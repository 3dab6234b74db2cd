package io.longdoc.bench;

import io.longdoc.graph.GemmPrecision;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides, before a run, that a variant cannot run a length on this machine: full attention whose n×n scores would not
 * fit the memory cap, a run that the shorter lengths say would take longer than the time cap, or a variant that already
 * failed at a shorter length. The answer is the reason the table prints.
 *
 * @param maxDenseGb    the memory dense attention may use for its score tensors
 * @param maxRunSeconds the longest one timed run may be expected to take
 * @param heads         attention heads of the model (the score tensors are heads × n × n)
 */
record RunCaps(double maxDenseGb, double maxRunSeconds, int heads) {

    /**
     * Float scores, their softmax and one more n×n buffer ORT keeps alive between the two MatMuls: three n×n tensors
     * per head (at n=4096 this says 2.25 GB; the encoder bench measured a 2.3 GB peak there).
     */
    private static final int DENSE_NXN_TENSORS = 3;

    Optional<String> refusal(EncoderVariant variant, int n, List<EncoderRow> earlier) {
        return refusal(variant, GemmPrecision.FP32, n, earlier);
    }

    /** The same for one precision of a variant: only that precision's shorter rows count. */
    Optional<String> refusal(EncoderVariant variant, GemmPrecision precision, int n, List<EncoderRow> earlier) {
        List<EncoderRow> shorter = earlier.stream()
            .filter(r -> r.variant() == variant && r.precision() == precision && r.n() < n)
            .sorted(Comparator.comparingInt(EncoderRow::n))
            .toList();
        Optional<EncoderRow> failed = shorter.stream().filter(r -> r.isMeasured() == false && r.note().startsWith("failed")).findFirst();
        if (failed.isPresent()) {
            return Optional.of("not run: failed at n=" + failed.get().n());
        }
        if (variant == EncoderVariant.DENSE) {
            double gb = denseScoresGb(n);
            if (gb > maxDenseGb) {
                return Optional.of(String.format(Locale.ROOT, "not run: n×n scores need ≈%.0f GB (cap %.0f GB, --max-dense-gb)", gb, maxDenseGb));
            }
        }
        List<EncoderRow> measured = shorter.stream().filter(EncoderRow::isMeasured).toList();
        if (measured.isEmpty() == false) {
            double predictedMs = predictMs(measured, n);
            if (predictedMs > maxRunSeconds * 1000) {
                return Optional.of(String.format(Locale.ROOT, "not run: one run would take ≈%.0f s (extrapolated from n=%d; cap %.0f s, --max-run-seconds)",
                    predictedMs / 1000, measured.get(measured.size() - 1).n(), maxRunSeconds));
            }
        }
        return Optional.empty();
    }

    double denseScoresGb(int n) {
        return 4.0 * heads * (double) n * n * DENSE_NXN_TENSORS / (1L << 30);
    }

    /**
     * Extrapolates along the log-log slope of the last two measured lengths (clamped to [1, 2]: cost is at least
     * linear and at most quadratic in n); with one length, linearly — optimistic for dense, which the memory cap covers.
     */
    static double predictMs(List<EncoderRow> measured, int n) {
        EncoderRow last = measured.get(measured.size() - 1);
        double slope = 1;
        if (measured.size() >= 2) {
            EncoderRow before = measured.get(measured.size() - 2);
            slope = Math.log(last.sample().medianMs() / before.sample().medianMs()) / Math.log((double) last.n() / before.n());
            slope = Math.min(2, Math.max(1, slope));
        }
        return last.sample().medianMs() * Math.pow((double) n / last.n(), slope);
    }
}
