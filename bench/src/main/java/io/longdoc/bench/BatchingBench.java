package io.longdoc.bench;

import static io.longdoc.TestVectors.cosine;
import static io.longdoc.bench.BenchCli.progress;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderGraphBuilder;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.importer.Longify;
import io.longdoc.graph.importer.OnnxExportImporter;
import io.longdoc.runtime.Encoder;
import io.longdoc.runtime.HiddenStates;
import io.longdoc.text.Tokenizer;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Should the {@code long_doc} processor batch the short documents of one {@code _bulk} into one model run? Encodes
 * the same short real texts (openings of State of the Union addresses) through the default model — longified, sliding
 * window, as the plugin compiles it — one document per run (the processor today, through {@link Encoder}) and as
 * padded batches (through {@link BatchEncoder}), in one process, same session, alternating rounds so that noise from
 * other work on the machine hits both alike. Also checks that padding does not change a real token's vector.
 *
 * <pre>bash bench/batching.sh [--texts 32] [--lengths 64,128,256,mixed,mixed-sorted] [--batches 8,32] [--runs 5] [--variants fused,standard]</pre>
 */
public final class BatchingBench {

    private static final int MAX_POSITIONS = 16384;
    private static final int WINDOW = 256;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchCli.options(args);
        Path modelDir = Path.of(options.getOrDefault("model-dir", "target/model-sources/bge-small-en-v1.5"));
        Path corpus = Path.of(options.getOrDefault("corpus", "bench/data/sotu.jsonl.gz"));
        int texts = Integer.parseInt(options.getOrDefault("texts", "32"));
        List<String> lengths = List.of(options.getOrDefault("lengths", "64,128,256,mixed,mixed-sorted").split(","));
        int[] batches = Arrays.stream(options.getOrDefault("batches", "8,32").split(",")).mapToInt(Integer::parseInt).toArray();
        int runs = Integer.parseInt(options.getOrDefault("runs", "5"));
        List<String> variants = List.of(options.getOrDefault("variants", "fused,standard").split(","));
        int threads = Integer.parseInt(options.getOrDefault("threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        Path out = Path.of(options.getOrDefault("out", "bench/results"));
        Path opsLibrary = Path.of(options.getOrDefault("ops-library", "onnx-ops/target/liblongdoc_ops.so"));

        progress("tokenizing the openings of " + texts + " addresses from " + corpus);
        List<long[]> openings;
        try (Tokenizer tokenizer = Tokenizer.load(modelDir.resolve("bge-small-en-v1.5-tokenizer.json"))) {
            openings = openings(tokenizer, corpus, texts, 512);
        }
        progress("importing weights and building the graphs (window " + WINDOW + ", " + MAX_POSITIONS + " positions)");
        EncoderWeights weights = Longify.longify(OnnxExportImporter.read(modelDir.resolve("bge-small-en-v1.5.onnx")), MAX_POSITIONS, WINDOW).weights();
        AttentionPattern pattern = AttentionPattern.SlidingWindow.uniform(weights.config().numLayers(), WINDOW);
        int dims = weights.config().hiddenSize();

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<Row> rows = new ArrayList<>();
        for (String variant : variants) {
            boolean fused = variant.equals("fused");
            if (fused && Files.isRegularFile(opsLibrary) == false) {
                progress("skipping fused: no onnx-ops library at " + opsLibrary + " (mvn process-classes builds it)");
                continue;
            }
            byte[] graph = EncoderGraphBuilder.build(weights, pattern, new GraphOptions(fused));
            try (OrtSession.SessionOptions sessionOptions = sessionOptions(threads, fused ? opsLibrary : null)) {
                // The Encoder owns its session (and keeps it private); the batched runs get a second session of the
                // same graph with the same options, so both sides run the same kernels.
                try (
                    Encoder single = new Encoder(env, env.createSession(graph, sessionOptions), dims);
                    OrtSession batchSession = env.createSession(graph, sessionOptions)
                ) {
                    BatchEncoder batched = new BatchEncoder(env, batchSession, dims);
                    for (String length : lengths) {
                        List<long[]> docs = documents(openings, length);
                        for (int batch : batches) {
                            rows.add(measure(variant, length, docs, batch, runs, single, batched));
                        }
                    }
                }
            }
        }
        String table = table(rows, texts, threads, runs);
        System.out.println();
        System.out.println(table);
        Files.createDirectories(out);
        Files.writeString(out.resolve("batching-table.md"), table);
        progress("wrote " + out.resolve("batching-table.md"));
    }

    /**
     * ms per document over the rounds: wall-clock median and fastest (the round least disturbed by other work on the
     * machine), and the process's CPU time (median), which other work on a shared machine inflates far less.
     */
    record Timing(double wallMs, double fastestMs, double cpuMs) {
        static Timing of(double[] wallMs, double[] cpuMs) {
            return new Timing(median(wallMs), Arrays.stream(wallMs).min().orElseThrow(), median(cpuMs));
        }
    }

    record Row(String variant, String length, int batch, int tokens, int paddedTokens, Timing alone, Timing batched, double maxDiff, double minCosine) {}

    private static Row measure(String variant, String length, List<long[]> docs, int batch, int runs, Encoder single, BatchEncoder batched) throws OrtException {
        String label = variant + " " + length + " tokens, batch " + batch;
        progress(label + ": warm-up and parity");
        List<HiddenStates> alone = new ArrayList<>();
        for (long[] doc : docs) {
            alone.add(single.encode(doc));
        }
        List<HiddenStates> together = runBatched(docs, batch, batched);
        double maxDiff = 0;
        double minCosine = 1;
        for (int d = 0; d < docs.size(); d++) {
            float[] a = alone.get(d).values();
            float[] b = together.get(d).values();
            for (int i = 0; i < a.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            }
            minCosine = Math.min(minCosine, cosine(alone.get(d).first(), together.get(d).first()));
        }
        double[][] wall = new double[2][runs];
        double[][] cpu = new double[2][runs];
        for (int r = 0; r < runs; r++) { // alternate, so load from elsewhere on the machine hits both alike
            for (int side = 0; side < 2; side++) {
                long startCpu = processCpuNanos();
                long start = System.nanoTime();
                if (side == 0) {
                    for (long[] doc : docs) {
                        single.encode(doc);
                    }
                } else {
                    runBatched(docs, batch, batched);
                }
                wall[side][r] = (System.nanoTime() - start) / 1e6 / docs.size();
                cpu[side][r] = (processCpuNanos() - startCpu) / 1e6 / docs.size();
            }
        }
        int tokens = docs.stream().mapToInt(d -> d.length).sum();
        int padded = 0;
        for (int from = 0; from < docs.size(); from += batch) {
            List<long[]> group = docs.subList(from, Math.min(from + batch, docs.size()));
            padded += group.size() * group.stream().mapToInt(d -> d.length).max().orElseThrow();
        }
        Row row = new Row(variant, length, batch, tokens, padded, Timing.of(wall[0], cpu[0]), Timing.of(wall[1], cpu[1]), maxDiff, minCosine);
        progress(String.format(Locale.ROOT, "%s: %.1f ms/doc alone, %.1f batched (%.2fx; fastest rounds %.2fx; CPU %.2fx), max |diff| %.1e", label,
            row.alone().wallMs(), row.batched().wallMs(), row.alone().wallMs() / row.batched().wallMs(), row.alone().fastestMs() / row.batched().fastestMs(),
            row.alone().cpuMs() / row.batched().cpuMs(), maxDiff));
        return row;
    }

    /** CPU time of the whole process (ONNX Runtime's native threads included). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static List<HiddenStates> runBatched(List<long[]> docs, int batch, BatchEncoder batched) throws OrtException {
        List<HiddenStates> out = new ArrayList<>(docs.size());
        for (int from = 0; from < docs.size(); from += batch) {
            List<long[]> ids = docs.subList(from, Math.min(from + batch, docs.size()));
            List<long[]> globals = new ArrayList<>(ids.size());
            for (long[] doc : ids) {
                long[] global = new long[doc.length];
                global[0] = 1; // [CLS], as the processor runs it
                globals.add(global);
            }
            out.addAll(batched.encode(ids, globals));
        }
        return out;
    }

    /**
     * Each opening cut to n tokens ([CLS] … [SEP]). "mixed": lengths from 32 to 256 (fixed seed), as a bulk of short
     * documents might be, batched in arrival order; "mixed-sorted": the same documents sorted by length first, as a
     * batcher that groups similar lengths would run them (less padding).
     */
    private static List<long[]> documents(List<long[]> openings, String length) {
        Random random = new Random(42);
        boolean mixed = length.startsWith("mixed");
        List<long[]> docs = new ArrayList<>(openings.size());
        for (long[] opening : openings) {
            int n = mixed ? 32 + random.nextInt(225) : Integer.parseInt(length);
            long[] doc = Arrays.copyOf(opening, n);
            doc[n - 1] = opening[opening.length - 1]; // close with [SEP]
            docs.add(doc);
        }
        if (length.equals("mixed-sorted")) {
            docs.sort(java.util.Comparator.comparingInt(d -> d.length));
        }
        return docs;
    }

    /** The first tokens of the first {@code count} addresses (whole tokenization of a prefix of the text). */
    private static List<long[]> openings(Tokenizer tokenizer, Path corpus, int count, int tokens) throws Exception {
        List<long[]> openings = new ArrayList<>();
        try (BufferedReader reader = io.longdoc.corpus.Corpus.open(corpus)) {
            for (String line; openings.size() < count && (line = reader.readLine()) != null;) {
                String text = (String) org.elasticsearch.common.xcontent.XContentHelper.convertToMap(
                    org.elasticsearch.xcontent.XContentType.JSON.xContent(), line, false).get("text");
                long[] ids = tokenizer.tokenize(text.substring(0, Math.min(text.length(), tokens * 8))).ids();
                if (ids.length >= tokens) {
                    openings.add(ids);
                }
            }
        }
        if (openings.size() < count) {
            throw new IllegalArgumentException("the corpus has only " + openings.size() + " texts of at least " + tokens + " tokens");
        }
        return openings;
    }

    private static OrtSession.SessionOptions sessionOptions(int threads, Path opsLibrary) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (opsLibrary != null) {
            options.registerCustomOpLibrary(opsLibrary.toAbsolutePath().toString());
        }
        return options;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String table(List<Row> rows, int texts, int threads, int runs) {
        StringBuilder md = new StringBuilder();
        md.append("Default model (bge-small-en-v1.5 longified: sliding window 256 each side, global [CLS]), ").append(texts)
            .append(" openings of State of the Union addresses, ").append(threads).append(" intra-op threads, median of ").append(runs)
            .append(" alternating rounds; also the fastest round (the least disturbed by other work on the machine) and the process's CPU time. \"alone\" = one run per document (the processor today); \"batched\" = padded batches of the ")
            .append("given size in input order. max |diff| = largest difference of a real token's hidden state between the two; ")
            .append("min cos = the lowest cosine between a document's [CLS] vectors alone and batched.\n\n");
        md.append("| variant | tokens / doc | batch | padded ÷ real tokens | alone ms/doc | batched ms/doc | alone ÷ batched | fastest round: alone / batched ms | ÷ | CPU ms/doc: alone / batched | ÷ | max \\|diff\\| | min cos |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row row : rows) {
            Timing a = row.alone();
            Timing b = row.batched();
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.1f | %.1f | **%.2f×** | %.1f / %.1f | %.2f× | %.1f / %.1f | %.2f× | %.1e | %.6f |%n",
                row.variant(), row.length(), row.batch(), (double) row.paddedTokens() / row.tokens(), a.wallMs(), b.wallMs(), a.wallMs() / b.wallMs(),
                a.fastestMs(), b.fastestMs(), a.fastestMs() / b.fastestMs(), a.cpuMs(), b.cpuMs(), a.cpuMs() / b.cpuMs(), row.maxDiff(), row.minCosine()));
        }
        return md.toString();
    }
}
