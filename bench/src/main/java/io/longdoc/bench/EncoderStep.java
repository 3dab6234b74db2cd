package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import io.longdoc.graph.GemmPrecision;
import io.longdoc.text.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The encoder table: every {@link EncoderRun} (variant and precision) at every length on the same real text, in one
 * process, each after its own warm-up. Lengths run from short to long so the caps can extrapolate from what was measured.
 */
final class EncoderStep {

    /** Where the model files are and how to time them. */
    record Setup(Path modelDir, String model, Path corpus, int[] lengths, int window, int threads, int warmup, int runs, Path opsLibrary, RunCaps caps,
                 List<GemmPrecision> precisions, boolean interleave) {
        Path onnx() {
            return modelDir.resolve(model + ".onnx");
        }

        Path tokenizer() {
            return modelDir.resolve(model + "-tokenizer.json");
        }
    }

    private EncoderStep() {}

    static List<EncoderRow> run(Setup setup) throws Exception {
        int[] lengths = Arrays.stream(setup.lengths()).sorted().toArray();
        int maxLength = lengths[lengths.length - 1];
        progress("tokenizing " + setup.corpus() + " up to " + maxLength + " tokens");
        CorpusTokens text;
        try (Tokenizer tokenizer = Tokenizer.load(setup.tokenizer())) {
            text = CorpusTokens.read(tokenizer, setup.corpus(), maxLength);
        }
        List<EncoderRow> rows = new ArrayList<>();
        List<EncoderRun> runs = EncoderRun.of(setup.precisions());
        try (EncoderSessions encoders = EncoderSessions.open(setup.onnx(), maxLength, setup.window(), setup.threads(), setup.opsLibrary(), runs)) {
            RunCaps caps = new RunCaps(setup.caps().maxDenseGb(), setup.caps().maxRunSeconds(), encoders.heads());
            for (int n : lengths) {
                long[] document = text.document(n);
                if (setup.interleave()) {
                    rows.addAll(measureInterleaved(encoders, caps, runs, document, rows, setup));
                    continue;
                }
                for (EncoderRun run : runs) {
                    rows.add(measure(encoders, caps, run, document, rows, setup));
                }
            }
        }
        return rows;
    }

    /**
     * {@code --interleave true}: at one length, every run's warm-up, then timed round after round, one pass of each
     * run per round. On a machine shared with other work a slow spell then slows every variant alike, so the ratios
     * hold where sequential medians would not; the resident-set peak cannot be told apart per variant and is left out.
     */
    private static List<EncoderRow> measureInterleaved(EncoderSessions encoders, RunCaps caps, List<EncoderRun> runs, long[] document,
                                                       List<EncoderRow> earlier, Setup setup) {
        int n = document.length;
        Map<EncoderRun, EncoderRow> rows = new LinkedHashMap<>();
        Map<EncoderRun, double[]> times = new LinkedHashMap<>();
        for (EncoderRun run : runs) {
            Optional<String> refusal = encoders.unavailable(run).or(() -> caps.refusal(run.variant(), run.precision(), n, earlier));
            if (refusal.isPresent()) {
                progress(run + " n=" + n + ": " + refusal.get());
                rows.put(run, EncoderRow.notRun(run.variant(), run.precision(), n, refusal.get()));
            } else {
                times.put(run, new double[setup.runs()]);
            }
        }
        progress("n=" + n + ", interleaved: " + times.keySet() + ", " + setup.warmup() + " warm-up + " + setup.runs() + " rounds");
        for (int round = -setup.warmup(); round < setup.runs(); round++) {
            for (EncoderRun run : List.copyOf(times.keySet())) {
                try {
                    long start = System.nanoTime();
                    encoders.encode(run, document);
                    if (round >= 0) {
                        times.get(run)[round] = (System.nanoTime() - start) / 1e6;
                    }
                } catch (Exception | OutOfMemoryError e) {
                    String reason = "failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
                    progress(run + " n=" + n + ": " + reason);
                    times.remove(run);
                    rows.put(run, EncoderRow.notRun(run.variant(), run.precision(), n, reason));
                }
            }
        }
        times.forEach((run, ms) -> {
            Sample sample = new Sample(Stats.median(ms), Stats.min(ms), -1, ms.length);
            progress(String.format(java.util.Locale.ROOT, "%s n=%d: median %.0f ms (min %.0f)", run, n, sample.medianMs(), sample.minMs()));
            rows.put(run, new EncoderRow(run.variant(), run.precision(), n, sample, "interleaved: peak memory not measured"));
        });
        return runs.stream().map(rows::get).toList();
    }

    private static EncoderRow measure(EncoderSessions encoders, RunCaps caps, EncoderRun run, long[] document, List<EncoderRow> earlier, Setup setup) {
        int n = document.length;
        Optional<String> refusal = encoders.unavailable(run).or(() -> caps.refusal(run.variant(), run.precision(), n, earlier));
        if (refusal.isPresent()) {
            progress(run + " n=" + n + ": " + refusal.get());
            return EncoderRow.notRun(run.variant(), run.precision(), n, refusal.get());
        }
        try {
            Sample sample = TimedRuns.measure(run + " n=" + n, setup.warmup(), setup.runs(), () -> encoders.encode(run, document));
            return EncoderRow.measured(run.variant(), run.precision(), n, sample);
        } catch (Exception | OutOfMemoryError e) {
            // ORT reports a failed allocation as an OrtException; the row says so and longer lengths are not tried
            String reason = "failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
            progress(run + " n=" + n + ": " + reason);
            return EncoderRow.notRun(run.variant(), run.precision(), n, reason);
        }
    }
}
