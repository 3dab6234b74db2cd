package io.longdoc.bench;

import io.longdoc.graph.GemmPrecision;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The speed harness's command line, read once with its defaults (the EVAL.md protocol: lengths 512 … 16k, all cores,
 * median of 5 timed runs after a warm-up).
 */
record SpeedSettings(
    Path out,
    String model,
    Path modelDir,
    Path corpus,
    int[] lengths,
    int runs,
    int warmup,
    int threads,
    int window,
    Path opsLibrary,
    double maxDenseGb,
    double maxRunSeconds,
    Set<String> skip,
    Path pluginZip,
    Path esDistribution,
    Path esWorkDir,
    String esHeap,
    int esDocs,
    int esDocTokens,
    int esBulkSize,
    int qaCandidates,
    int qaWarmup,
    int qaQueries,
    int esShards,
    boolean qaCompareReuse,
    List<GemmPrecision> precisions,
    boolean interleave
) {

    /** Steps {@code --skip} may name. */
    static final Set<String> STEPS = Set.of("encoder", "kernel", "es");

    static SpeedSettings parse(String[] args) {
        Map<String, String> o = BenchCli.options(args);
        Set<String> known = Set.of("out", "model", "model-dir", "corpus", "lengths", "runs", "warmup", "threads", "window", "ops-library", "max-dense-gb",
            "max-run-seconds", "skip", "plugin-zip", "es-distribution", "es-work", "es-heap", "es-docs", "es-doc-tokens", "es-bulk-size", "qa-candidates",
            "qa-warmup", "qa-queries", "es-shards", "qa-compare-reuse", "precisions", "interleave");
        for (String key : o.keySet()) {
            if (known.contains(key) == false) {
                throw new IllegalArgumentException("unknown option [--" + key + "]; known: " + new TreeSet<>(known));
            }
        }
        Set<String> skip = new TreeSet<>();
        for (String step : o.getOrDefault("skip", "").split(",")) {
            if (step.isBlank() == false) {
                if (STEPS.contains(step.trim()) == false) {
                    throw new IllegalArgumentException("--skip takes steps of " + new TreeSet<>(STEPS) + ", got [" + step + "]");
                }
                skip.add(step.trim());
            }
        }
        String model = o.getOrDefault("model", "bge-small-en-v1.5");
        SpeedSettings settings = new SpeedSettings(
            Path.of(o.getOrDefault("out", "bench/results/speed")),
            model,
            Path.of(o.getOrDefault("model-dir", "target/model-sources/" + model)),
            Path.of(o.getOrDefault("corpus", "bench/data/sotu.jsonl.gz")),
            Arrays.stream(o.getOrDefault("lengths", "512,1024,2048,4096,8192,16384").split(",")).map(String::trim).mapToInt(Integer::parseInt).sorted()
                .distinct().toArray(),
            Integer.parseInt(o.getOrDefault("runs", "5")),
            Integer.parseInt(o.getOrDefault("warmup", "1")),
            Integer.parseInt(o.getOrDefault("threads", Integer.toString(Runtime.getRuntime().availableProcessors()))),
            Integer.parseInt(o.getOrDefault("window", "256")),
            Path.of(o.getOrDefault("ops-library", "onnx-ops/target/liblongdoc_ops.so")),
            Double.parseDouble(o.getOrDefault("max-dense-gb", "8")),
            Double.parseDouble(o.getOrDefault("max-run-seconds", "120")),
            skip,
            Path.of(o.getOrDefault("plugin-zip", "target/longdoc-0.1.0-SNAPSHOT-es9.2.0.zip")),
            Path.of(o.getOrDefault("es-distribution", "target/es-distribution/elasticsearch-9.2.0.zip")),
            Path.of(o.getOrDefault("es-work", "target/speed-work")),
            o.getOrDefault("es-heap", "2g"),
            Integer.parseInt(o.getOrDefault("es-docs", "20")),
            Integer.parseInt(o.getOrDefault("es-doc-tokens", "4096")),
            Integer.parseInt(o.getOrDefault("es-bulk-size", "5")),
            Integer.parseInt(o.getOrDefault("qa-candidates", "10")),
            Integer.parseInt(o.getOrDefault("qa-warmup", "3")),
            Integer.parseInt(o.getOrDefault("qa-queries", "20")),
            Integer.parseInt(o.getOrDefault("es-shards", "1")),
            Boolean.parseBoolean(o.getOrDefault("qa-compare-reuse", "false")),
            Arrays.stream(o.getOrDefault("precisions", "fp32,int8").split(",")).map(String::trim).map(GemmPrecision::fromLabel).distinct().sorted().toList(),
            Boolean.parseBoolean(o.getOrDefault("interleave", "false"))
        );
        settings.check();
        return settings;
    }

    private void check() {
        if (lengths.length == 0 || lengths[0] < 2) {
            throw new IllegalArgumentException("--lengths must be token counts of at least 2, got " + Arrays.toString(lengths));
        }
        if (runs < 1 || warmup < 0 || threads < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--runs must be ≥ 1, --warmup ≥ 0, --threads ≥ 1; got %d, %d, %d", runs, warmup, threads));
        }
        if (esDocs < 1 || esDocTokens < 3 || esBulkSize < 1 || qaCandidates < 1 || qaQueries < 1 || qaWarmup < 1 || esShards < 1) {
            throw new IllegalArgumentException("--es-docs, --es-shards, --es-bulk-size, --qa-candidates, --qa-queries and --qa-warmup must be ≥ 1, --es-doc-tokens ≥ 3");
        }
    }

    boolean runs(String step) {
        return skip.contains(step) == false;
    }
}
