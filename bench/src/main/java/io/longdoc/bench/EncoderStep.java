package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import io.longdoc.text.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The encoder table: every {@link EncoderVariant} at every length on the same real text, in one process, each after
 * its own warm-up. Lengths run from short to long so the caps can extrapolate from what was measured.
 */
final class EncoderStep {

    /** Where the model files are and how to time them. */
    record Setup(Path modelDir, String model, Path corpus, int[] lengths, int window, int threads, int warmup, int runs, Path opsLibrary, RunCaps caps) {
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
        try (EncoderSessions encoders = EncoderSessions.open(setup.onnx(), maxLength, setup.window(), setup.threads(), setup.opsLibrary())) {
            RunCaps caps = new RunCaps(setup.caps().maxDenseGb(), setup.caps().maxRunSeconds(), encoders.heads());
            for (int n : lengths) {
                long[] document = text.document(n);
                for (EncoderVariant variant : EncoderVariant.values()) {
                    rows.add(measure(encoders, caps, variant, document, rows, setup));
                }
            }
        }
        return rows;
    }

    private static EncoderRow measure(EncoderSessions encoders, RunCaps caps, EncoderVariant variant, long[] document, List<EncoderRow> earlier,
                                      Setup setup) {
        int n = document.length;
        Optional<String> refusal = encoders.unavailable(variant).or(() -> caps.refusal(variant, n, earlier));
        if (refusal.isPresent()) {
            progress(variant + " n=" + n + ": " + refusal.get());
            return EncoderRow.notRun(variant, n, refusal.get());
        }
        try {
            Sample sample = TimedRuns.measure(variant + " n=" + n, setup.warmup(), setup.runs(), () -> encoders.encode(variant, document));
            return EncoderRow.measured(variant, n, sample);
        } catch (Exception | OutOfMemoryError e) {
            // ORT reports a failed allocation as an OrtException; the row says so and longer lengths are not tried
            String reason = "failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
            progress(variant + " n=" + n + ": " + reason);
            return EncoderRow.notRun(variant, n, reason);
        }
    }
}
