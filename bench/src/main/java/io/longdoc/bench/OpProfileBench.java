package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderGraphBuilder;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.GemmPrecision;
import io.longdoc.graph.importer.Longify;
import io.longdoc.graph.importer.OnnxExportImporter;
import io.longdoc.text.Tokenizer;

import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Part 2 of issue 16, "where the time goes as n grows": the default model's fused graph in fp32 and int8 at each
 * length, profiled by ONNX Runtime per node and summed per op type ({@link OpProfile}); prints one Markdown table of
 * milliseconds per run and share of the kernels' time, op types as rows, (precision, n) as columns, and writes it to
 * {@code --out}/op-profile.md with the machine it ran on.
 *
 * <pre>bash bench/op-profile.sh [--lengths 512,4096,16384] [--precisions fp32,int8] [--runs 3] [--threads N] [--out DIR]</pre>
 */
public final class OpProfileBench {

    private static final int WINDOW = 256;

    private OpProfileBench() {}

    private record Column(GemmPrecision precision, int n, OpProfile profile) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchCli.options(args);
        String model = o.getOrDefault("model", "bge-small-en-v1.5");
        Path modelDir = Path.of(o.getOrDefault("model-dir", "target/model-sources/" + model));
        int[] lengths = Arrays.stream(o.getOrDefault("lengths", "512,4096,16384").split(",")).mapToInt(Integer::parseInt).sorted().toArray();
        List<GemmPrecision> precisions = Arrays.stream(o.getOrDefault("precisions", "fp32,int8").split(",")).map(GemmPrecision::fromLabel).toList();
        int runs = Integer.parseInt(o.getOrDefault("runs", "3"));
        int threads = Integer.parseInt(o.getOrDefault("threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        Path opsLibrary = Path.of(o.getOrDefault("ops-library", "onnx-ops/target/liblongdoc_ops.so")).toAbsolutePath();
        Path corpus = Path.of(o.getOrDefault("corpus", "bench/data/sotu.jsonl.gz"));
        Path out = Files.createDirectories(Path.of(o.getOrDefault("out", "bench/results/op-profile")));
        int maxLength = lengths[lengths.length - 1];

        Machine machine = Machine.describe();
        String header = String.format(Locale.ROOT, "%s, %d cores, int8 features: %s; ONNX Runtime %s; %d intra-op threads; load average %s at the start",
            machine.cpu(), machine.cores(), machine.int8Features(), machine.ortVersion(), threads, LoadAverage.now());
        progress(header);
        CorpusTokens text;
        try (Tokenizer tokenizer = Tokenizer.load(modelDir.resolve(model + "-tokenizer.json"))) {
            text = CorpusTokens.read(tokenizer, corpus, maxLength);
        }
        EncoderWeights weights = Longify.longify(OnnxExportImporter.read(modelDir.resolve(model + ".onnx")), maxLength, WINDOW).weights();
        AttentionPattern pattern = AttentionPattern.SlidingWindow.uniform(weights.config().numLayers(), WINDOW);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<Column> columns = new ArrayList<>();
        for (GemmPrecision precision : precisions) {
            byte[] graph = EncoderGraphBuilder.build(weights, pattern, new GraphOptions(true, precision));
            for (int n : lengths) {
                progress("profiling sparse-fused " + precision + " at n=" + n + ": 1 warm-up + " + runs + " runs");
                columns.add(new Column(precision, n, profile(env, graph, text.document(n), threads, runs, opsLibrary, out)));
            }
        }
        String md = "# Per-op profile of the fused encoder\n\n" + header + ". " + model + ", sliding window w=" + WINDOW
            + " + global [CLS], fused kernel; ONNX Runtime's profiler, kernel time per op type, mean of " + runs + " runs after a warm-up.\n\n"
            + table(columns);
        Files.writeString(out.resolve("op-profile.md"), md);
        System.out.println();
        System.out.println(md);
    }

    private static OpProfile profile(OrtEnvironment env, byte[] graph, long[] ids, int threads, int runs, Path opsLibrary, Path out) throws Exception {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setCPUArenaAllocator(false); // as the speed harness runs
            options.registerCustomOpLibrary(opsLibrary.toString());
            options.enableProfiling(out.resolve("ort-profile").toAbsolutePath().toString());
            try (OrtSession session = env.createSession(graph, options)) {
                for (int i = 0; i < runs + 1; i++) {
                    run(env, session, ids);
                }
                Path trace = Path.of(session.endProfiling());
                try {
                    return OpProfile.parse(Files.readString(trace), runs);
                } finally {
                    Files.deleteIfExists(trace); // tens of MB at 16k; the table keeps what matters
                }
            }
        }
    }

    /** One forward pass over {@code ids} with a full mask and the first token global. */
    public static void run(OrtEnvironment env, OrtSession session, long[] ids) throws Exception {
        long[] shape = { 1, ids.length };
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        long[] global = new long[ids.length];
        global[0] = 1;
        try (
            OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
            OnnxTensor b = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
            OnnxTensor c = OnnxTensor.createTensor(env, LongBuffer.wrap(global), shape);
            OrtSession.Result result = session.run(Map.of("input_ids", a, "attention_mask", b, "global_attention_mask", c))
        ) {
            result.get(0);
        }
    }

    /** Op types as rows (by their largest share anywhere), one "ms (share)" column per precision and length. */
    static String table(List<Column> columns) {
        Set<String> ops = new LinkedHashSet<>();
        Map<String, Double> maxShare = new LinkedHashMap<>();
        for (Column c : columns) {
            for (String op : c.profile().msPerRun().keySet()) {
                ops.add(op);
                maxShare.merge(op, c.profile().share(op), Math::max);
            }
        }
        List<String> sorted = ops.stream().sorted((a, b) -> Double.compare(maxShare.get(b), maxShare.get(a))).toList();
        StringBuilder md = new StringBuilder("| op type |");
        for (Column c : columns) {
            md.append(String.format(Locale.ROOT, " %s n=%d |", c.precision(), c.n()));
        }
        md.append("\n| --- |").append(" ---: |".repeat(columns.size())).append('\n');
        for (String op : sorted) {
            md.append("| ").append(op).append(" |");
            for (Column c : columns) {
                Double ms = c.profile().msPerRun().get(op);
                md.append(ms == null ? " – |" : String.format(Locale.ROOT, " %.1f ms (%.0f %%) |", ms, 100 * c.profile().share(op)));
            }
            md.append('\n');
        }
        md.append("| all kernels |");
        columns.forEach(c -> md.append(String.format(Locale.ROOT, " %.1f ms |", c.profile().kernelMs())));
        md.append("\n| model_run |");
        columns.forEach(c -> md.append(String.format(Locale.ROOT, " %.1f ms |", c.profile().runMs())));
        md.append("\n| tokens/s (model_run) |");
        columns.forEach(c -> md.append(String.format(Locale.ROOT, " %.0f |", c.n() / (c.profile().runMs() / 1000))));
        return md.append('\n').toString();
    }
}
