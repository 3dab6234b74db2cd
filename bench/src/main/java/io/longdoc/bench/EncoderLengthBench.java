package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderGraphBuilder;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.importer.Longify;
import io.longdoc.graph.importer.OnnxExportImporter;
import io.longdoc.text.TokenizedText;
import io.longdoc.text.Tokenizer;

import java.io.BufferedReader;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The default model at n ∈ {512 … 16k}: milliseconds per document and peak memory for full attention (dense),
 * the sliding window from standard ONNX ops and through the fused onnx-ops kernel, and the original model over
 * 512-token chunks — all in one process,
 * same weights, same threads, warm-up first, median of the timed runs.
 *
 * <pre>bash bench/encoder-lengths.sh [--lengths 512,1024,...] [--runs 5] [--max-dense-gb 8] [--out bench/results]</pre>
 */
public final class EncoderLengthBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchCli.options(args);
        Path modelDir = Path.of(options.getOrDefault("model-dir", "target/model-sources/bge-small-en-v1.5"));
        Path onnx = modelDir.resolve("bge-small-en-v1.5.onnx");
        Path tokenizerFile = modelDir.resolve("bge-small-en-v1.5-tokenizer.json");
        Path corpus = Path.of(options.getOrDefault("corpus", "../shared/data/sotu.jsonl"));
        int[] lengths = Arrays.stream(options.getOrDefault("lengths", "512,1024,2048,4096,8192,16384").split(",")).mapToInt(Integer::parseInt).toArray();
        int runs = Integer.parseInt(options.getOrDefault("runs", "5"));
        int window = Integer.parseInt(options.getOrDefault("window", "256"));
        double maxDenseGb = Double.parseDouble(options.getOrDefault("max-dense-gb", "8"));
        int threads = Integer.parseInt(options.getOrDefault("threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        Path out = Path.of(options.getOrDefault("out", "bench/results"));
        int maxLength = Arrays.stream(lengths).max().orElseThrow();

        progress("tokenizing " + corpus);
        long[] ids;
        try (Tokenizer tokenizer = Tokenizer.load(tokenizerFile)) {
            ids = longText(tokenizer, corpus, maxLength);
        }
        progress("importing weights from " + onnx);
        EncoderWeights weights = OnnxExportImporter.read(onnx);
        int layers = weights.config().numLayers();
        int heads = weights.config().numHeads();

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<Row> rows = new ArrayList<>();
        progress("building the graphs (dense and sliding window " + window + ", " + maxLength + " positions)");
        byte[] denseGraph = EncoderGraphBuilder.build(Longify.longify(weights, maxLength, new AttentionPattern.Dense()).weights(), new AttentionPattern.Dense(), GraphOptions.STANDARD);
        EncoderWeights longWeights = Longify.longify(weights, maxLength, window).weights();
        AttentionPattern sliding = AttentionPattern.SlidingWindow.uniform(layers, window);
        byte[] slidingGraph = EncoderGraphBuilder.build(longWeights, sliding, GraphOptions.STANDARD);
        byte[] fusedGraph = fusedGraph(longWeights, sliding);
        longWeights = null;
        weights = null; // the graphs hold copies; let the import go before measuring memory
        try (
            OrtSession.SessionOptions sessionOptions = sessionOptions(threads);
            OrtSession dense = env.createSession(denseGraph, sessionOptions);
            OrtSession slidingSession = env.createSession(slidingGraph, sessionOptions);
            OrtSession.SessionOptions fusedOptions = sessionOptions(threads);
            OrtSession fused = fusedGraph == null ? null : fusedSession(env, fusedGraph, fusedOptions, options);
            OrtSession original = env.createSession(onnx.toString(), sessionOptions)
        ) {
            denseGraph = null;
            slidingGraph = null;
            fusedGraph = null;
            for (int n : lengths) {
                long[] input = document(ids, n);
                double denseGb = 4.0 * heads * (double) n * n * 3 / (1L << 30);
                if (denseGb > maxDenseGb) {
                    rows.add(Row.skipped("dense", n, String.format(Locale.ROOT, "not run: n×n scores need ≈%.0f GB (limit %.0f GB)", denseGb, maxDenseGb)));
                } else {
                    rows.add(measure("dense", n, runs, () -> run(env, dense, input, true)));
                }
                rows.add(measure("sliding_window", n, runs, () -> run(env, slidingSession, input, true)));
                if (fused == null) {
                    rows.add(Row.skipped("sliding_window fused", n, "not run: " + fusedUnavailable));
                } else {
                    rows.add(measure("sliding_window fused", n, runs, () -> run(env, fused, input, true)));
                }
                rows.add(measure("chunk-512 (original)", n, runs, () -> runChunks(env, original, input)));
            }
        }
        String table = table(rows, threads, window);
        System.out.println();
        System.out.println(table);
        Files.createDirectories(out);
        Files.writeString(out.resolve("encoder-lengths.md"), table);
        Files.writeString(out.resolve("encoder-lengths.json"), json(rows));
        progress("wrote " + out.resolve("encoder-lengths.md") + " and .json");
    }

    private static String fusedUnavailable = "";

    /** The same weights and pattern through the onnx-ops kernel; null (with the reason kept) where it cannot be built. */
    private static byte[] fusedGraph(EncoderWeights weights, AttentionPattern pattern) {
        try {
            return EncoderGraphBuilder.build(weights, pattern, new GraphOptions(true));
        } catch (UnsupportedOperationException e) {
            fusedUnavailable = e.getMessage();
            return null;
        }
    }

    private static OrtSession fusedSession(OrtEnvironment env, byte[] graph, OrtSession.SessionOptions options, Map<String, String> args) throws OrtException {
        Path library = Path.of(args.getOrDefault("ops-library", "target/onnx-ops/liblongdoc_ops.so"));
        if (Files.isRegularFile(library) == false) {
            fusedUnavailable = "no onnx-ops library at " + library + " (mvn package builds it)";
            return null;
        }
        options.registerCustomOpLibrary(library.toString());
        return env.createSession(graph, options);
    }

    private static OrtSession.SessionOptions sessionOptions(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // Without the arena, memory goes back after each run, so every measurement starts from the same floor.
        options.setCPUArenaAllocator(false);
        return options;
    }

    interface Run {
        void run() throws OrtException;
    }

    record Row(String variant, int n, double medianMs, double minMs, long peakMb, String note) {
        static Row skipped(String variant, int n, String note) {
            return new Row(variant, n, Double.NaN, Double.NaN, -1, note);
        }
    }

    private static Row measure(String variant, int n, int runs, Run run) throws OrtException {
        progress(variant + " n=" + n + ": warm-up");
        System.gc();
        // The floor is taken before the warm-up so the first run's allocations count; the script makes glibc hand
        // large blocks back to the kernel (MALLOC_MMAP_THRESHOLD_), so each run's working memory shows in the RSS.
        boolean peakReset = ProcessMemory.resetPeak();
        long floor = ProcessMemory.residentBytes();
        run.run();
        double[] ms = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            run.run();
            ms[r] = (System.nanoTime() - start) / 1e6;
        }
        long peak = peakReset ? (ProcessMemory.peakResidentBytes() - floor) >> 20 : -1;
        Arrays.sort(ms);
        Row row = new Row(variant, n, ms[runs / 2], ms[0], peak, peakReset ? "" : "peak memory not measurable here");
        progress(String.format(Locale.ROOT, "%s n=%d: median %.0f ms, peak +%d MB", variant, n, row.medianMs(), peak));
        return row;
    }

    private static void run(OrtEnvironment env, OrtSession session, long[] ids, boolean withGlobal) throws OrtException {
        int n = ids.length;
        long[] shape = { 1, n };
        long[] mask = new long[n];
        Arrays.fill(mask, 1);
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            feeds.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (session.getInputNames().contains("global_attention_mask")) {
                long[] global = new long[n];
                global[0] = withGlobal ? 1 : 0;
                feeds.put("global_attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(global), shape));
            }
            if (session.getInputNames().contains("token_type_ids")) {
                feeds.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape));
            }
            session.run(feeds).close();
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** The chunking baseline: consecutive 510-token pieces, each wrapped in [CLS] … [SEP]. */
    private static void runChunks(OrtEnvironment env, OrtSession session, long[] ids) throws OrtException {
        long cls = ids[0], sep = ids[ids.length - 1];
        for (int start = 1; start < ids.length - 1; start += 510) {
            int end = Math.min(start + 510, ids.length - 1);
            long[] chunk = new long[end - start + 2];
            chunk[0] = cls;
            System.arraycopy(ids, start, chunk, 1, end - start);
            chunk[chunk.length - 1] = sep;
            run(env, session, chunk, false);
        }
    }

    /** Real text: addresses of the corpus concatenated until there are enough tokens. */
    private static long[] longText(Tokenizer tokenizer, Path corpus, int tokens) throws Exception {
        StringBuilder text = new StringBuilder();
        try (BufferedReader reader = Files.newBufferedReader(corpus)) {
            for (String line; (line = reader.readLine()) != null;) {
                Map<String, Object> doc = org.elasticsearch.common.xcontent.XContentHelper.convertToMap(
                    org.elasticsearch.xcontent.XContentType.JSON.xContent(), line, false);
                text.append(doc.get("text")).append("\n\n");
                TokenizedText tokenized = tokenizer.tokenize(text.toString());
                if (tokenized.length() >= tokens) {
                    return tokenized.ids();
                }
            }
        }
        throw new IllegalArgumentException("the corpus has fewer than " + tokens + " tokens");
    }

    private static long[] document(long[] ids, int n) {
        long[] doc = Arrays.copyOf(ids, n);
        doc[n - 1] = ids[ids.length - 1]; // close with [SEP]
        return doc;
    }

    private static String table(List<Row> rows, int threads, int window) {
        StringBuilder md = new StringBuilder();
        md.append("Default model (bge-small-en-v1.5, 12 layers, 384 dims) at n tokens, one document, ").append(threads)
            .append(" intra-op threads; sliding window w=").append(window).append(" each side, global [CLS]. ")
            .append("Median of the timed runs; peak = the process's resident-set high-water mark during warm-up and runs, above ")
            .append("its size before them (weights and sessions excluded; ONNX Runtime's arena off, glibc returning large blocks).\n\n");
        md.append("| n | variant | ms / doc (median) | ms (min) | tokens/s | peak memory (MB) | note |\n");
        md.append("| ---: | --- | ---: | ---: | ---: | ---: | --- |\n");
        for (Row row : rows) {
            if (Double.isNaN(row.medianMs())) {
                md.append(String.format(Locale.ROOT, "| %d | %s | – | – | – | – | %s |%n", row.n(), row.variant(), row.note()));
            } else {
                md.append(String.format(Locale.ROOT, "| %d | %s | %.0f | %.0f | %.0f | %s | %s |%n", row.n(), row.variant(), row.medianMs(), row.minMs(),
                    row.n() / (row.medianMs() / 1000), row.peakMb() < 0 ? "?" : Long.toString(row.peakMb()), row.note()));
            }
        }
        return md.toString();
    }

    private static String json(List<Row> rows) {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            json.append(String.format(Locale.ROOT, "  {\"variant\": \"%s\", \"n\": %d, \"median_ms\": %s, \"min_ms\": %s, \"peak_mb\": %d, \"note\": \"%s\"}%s%n",
                r.variant(), r.n(), Double.isNaN(r.medianMs()) ? "null" : String.format(Locale.ROOT, "%.1f", r.medianMs()),
                Double.isNaN(r.minMs()) ? "null" : String.format(Locale.ROOT, "%.1f", r.minMs()), r.peakMb(), r.note(), i + 1 < rows.size() ? "," : ""));
        }
        return json.append("]\n").toString();
    }


}
