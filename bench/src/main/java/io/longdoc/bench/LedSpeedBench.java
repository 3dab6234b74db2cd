package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.GraphRuns;
import io.longdoc.graph.importer.LedCheckpointImporter;
import io.longdoc.graph.importer.LedCheckpointImporter.ImportedLed;
import io.longdoc.summary.Generation;
import io.longdoc.summary.GenerationConfig;
import io.longdoc.summary.LedModel;
import io.longdoc.summary.StepDecoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What an LED summary costs on this machine: a checkpoint of allenai/led-base-16384's dimensions with random weights
 * (led_synthetic.py --led-base; the cost does not depend on the values), the encoder at 4k and 16k tokens (fused
 * kernel when the ops library is there, and standard ops), the decoder per generated token with the KV cache and
 * without it (the whole prefix re-read each step), and whole summaries of 128 / 256 new tokens, greedy and 4 beams,
 * over a 4k-token document. Generation is held to its length by min_length = max_length (no early eos), so the
 * figures are the cost of that many tokens.
 *
 * <pre>bash bench/led-speed.sh [--runs 2]</pre>
 */
public final class LedSpeedBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchCli.options(args);
        Path checkpoint = Path.of(options.getOrDefault("checkpoint", "target/led-base-random"));
        int runs = Integer.parseInt(options.getOrDefault("runs", "2"));
        Path out = Path.of(options.getOrDefault("out", "bench/results/led-speed-table.md"));
        boolean fused = Files.isRegularFile(GraphRuns.opsLibrary());

        progress("importing " + checkpoint);
        ImportedLed led = LedCheckpointImporter.importFolder(checkpoint);
        List<String> rows = new ArrayList<>();
        rows.add("| what | ms |");
        rows.add("| --- | --- |");
        float[][] hidden4k;
        for (boolean withOps : fused ? new boolean[] { true, false } : new boolean[] { false }) {
            String kernel = withOps ? "fused" : "standard ops";
            progress("compiling (" + kernel + ")");
            try (LedModel model = LedModel.compile(led, new GraphOptions(withOps), GraphRuns::session)) {
                model.encode(ids(512, led.config().vocabSize()));
                for (int n : new int[] { 4096, 16384 }) {
                    long[] ids = ids(n, led.config().vocabSize());
                    double best = Double.MAX_VALUE;
                    for (int r = 0; r < (n > 4096 ? 1 : runs); r++) {
                        long start = System.nanoTime();
                        model.encode(ids);
                        best = Math.min(best, ms(start));
                    }
                    rows.add(row("encoder, " + n + " tokens, " + kernel, best));
                    progress(rows.get(rows.size() - 1));
                }
                if (withOps == fused) { // the decoder's figures once, with the first variant
                    hidden4k = model.encode(ids(4096, led.config().vocabSize()));
                    decoder(model, led, hidden4k, runs, rows);
                }
            }
        }
        String table = String.join("\n", rows) + "\n";
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        System.out.println(table);
    }

    private static void decoder(LedModel model, ImportedLed led, float[][] hidden, int runs, List<String> rows) throws Exception {
        int prefix = 32;
        double cached = Double.MAX_VALUE;
        double uncached = Double.MAX_VALUE;
        for (int r = 0; r < runs; r++) {
            int[] tokens = new Random(r).ints(prefix, 4, led.config().vocabSize()).toArray();
            long start = System.nanoTime();
            try (StepDecoder decoder = model.decoder(hidden)) {
                for (int token : tokens) {
                    decoder.step(new int[] { token }, new int[] { 0 });
                }
            }
            cached = Math.min(cached, ms(start) / prefix);
            start = System.nanoTime();
            for (int t = 1; t <= prefix; t++) {
                model.prefixLogits(hidden, java.util.Arrays.copyOf(tokens, t));
            }
            uncached = Math.min(uncached, ms(start) / prefix);
        }
        rows.add(row("decoder, per token over the first " + prefix + ", KV cache (4k source)", cached));
        rows.add(row("decoder, per token over the first " + prefix + ", no cache: the prefix and the cross keys/values recomputed each step (4k source)", uncached));
        progress(rows.get(rows.size() - 2) + "\n" + rows.get(rows.size() - 1));
        for (int beams : new int[] { 1, 4 }) {
            for (int newTokens : new int[] { 128, 256 }) {
                GenerationConfig config = new GenerationConfig(
                    beams, newTokens + 1, newTokens + 1, 0, null, null, 1.0, GenerationConfig.EarlyStopping.FALSE, 2, new int[] { 2 }
                );
                long start = System.nanoTime();
                int[] out;
                try (StepDecoder decoder = model.decoder(hidden)) {
                    out = Generation.generate(decoder, config);
                }
                double total = ms(start);
                rows.add(row("summary of " + (out.length - 1) + " new tokens, " + (beams == 1 ? "greedy" : beams + " beams") + " (4k source; decoder only)", total));
                progress(rows.get(rows.size() - 1));
            }
        }
    }

    private static long[] ids(int n, int vocab) {
        long[] ids = new Random(n).longs(n, 4, vocab).toArray();
        ids[0] = 0;
        ids[n - 1] = 2;
        return ids;
    }

    private static double ms(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static String row(String what, double ms) {
        return String.format(Locale.ROOT, "| %s | %.1f |", what, ms);
    }
}
