package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.longdoc.ops.SparseAttentionCase;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fused {@code longdoc.SparseAttention} kernel alone (a one-node model, sliding window w each side, global [CLS],
 * batch 1) next to ONNX Runtime's own dense MatMul of a comparable size, in one process with the same intra-op threads:
 * how many GFLOP/s the op reaches against what ORT's GEMM reaches on this machine.
 * <ul>
 * <li>op: 4·h flops per allowed (query, key) pair (q·k and p·v), pairs counted exactly for the pattern
 * ({@link SparseAttentionCase#allowedPairs()}); softmax and exp are not counted.</li>
 * <li>batched MatMul [heads, n, h] × [heads, h, 2w+1]: the band's scores as one dense product, 2·M·N·K flops.</li>
 * <li>2-D MatMul [heads·n, h] × [h, 2w+1]: the same M·N·K as a plain GEMM (one B for all heads).</li>
 * <li>reference: the layer's projection GEMM [n, hidden] × [hidden, hidden], what MLAS reaches with a large K.</li>
 * </ul>
 * The variants run interleaved (op, batched, 2-D, projection, op, …) after a warm-up, so a noisy neighbour slows all of
 * them alike; the table reports the median and the minimum of the timed runs.
 *
 * <pre>bash bench/attention-kernel.sh [--lengths 1024,4096,16384] [--runs 5] [--head-dim 32|64] [--heads 12] [--window 256]
 *     [--threads all cores] [--warmup 2] [--ops-library target/onnx-ops/liblongdoc_ops.so] [--out bench/results]</pre>
 */
public final class AttentionKernelBench {

    private static final String OP = "fused SparseAttention";
    private static final String BATCHED = "MatMul batched";
    private static final String PLAIN = "MatMul 2-D";
    private static final String PROJECTION = "MatMul projection (ref.)";

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchCli.options(args);
        int[] lengths = Arrays.stream(options.getOrDefault("lengths", "1024,4096,16384").split(",")).mapToInt(Integer::parseInt).toArray();
        int runs = Integer.parseInt(options.getOrDefault("runs", "5"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "2"));
        int heads = Integer.parseInt(options.getOrDefault("heads", "12"));
        int headDim = Integer.parseInt(options.getOrDefault("head-dim", "32"));
        int window = Integer.parseInt(options.getOrDefault("window", "256"));
        int threads = Integer.parseInt(options.getOrDefault("threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        Path library = Path.of(options.getOrDefault("ops-library", "target/onnx-ops/liblongdoc_ops.so"));
        Path out = Path.of(options.getOrDefault("out", "bench/results"));
        if (runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("--runs must be ≥ 1 and --warmup ≥ 0");
        }
        if (Files.isRegularFile(library) == false) {
            throw new IllegalStateException("no onnx-ops library at " + library + " (the Maven build makes it; or pass --ops-library)");
        }
        Cpu cpu = Cpu.read();
        progress(String.format(Locale.ROOT, "%d heads × head dim %d, window %d each side, global [CLS], %d intra-op threads, %d warm-up + %d timed runs",
            heads, headDim, window, threads, warmup, runs));
        progress("CPU: " + cpu.describe());
        if (runs < 5) {
            progress("note: fewer than 5 timed runs, medians are rough");
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<Row> rows = new ArrayList<>();
        try (OrtSession.SessionOptions opOptions = sessionOptions(threads); OrtSession.SessionOptions gemmOptions = sessionOptions(threads)) {
            opOptions.registerCustomOpLibrary(library.toAbsolutePath().toString());
            for (int n : lengths) {
                rows.addAll(measureLength(env, opOptions, gemmOptions, n, heads, headDim, window, warmup, runs));
            }
        }
        String report = report(rows, cpu, heads, headDim, window, threads, runs, warmup);
        System.out.println();
        System.out.println(report);
        Files.createDirectories(out);
        Files.writeString(out.resolve("attention-kernel.md"), report);
        Files.writeString(out.resolve("attention-kernel.json"), json(rows, cpu, heads, headDim, window, threads, runs, warmup));
        progress("wrote " + out.resolve("attention-kernel.md") + " and .json");
    }

    /** One timed kernel: a session, its feeds (made once) and its useful flops per run. */
    private record Kernel(String variant, String shape, double flops, OrtSession session, Map<String, OnnxTensor> feeds) implements AutoCloseable {
        void run() throws OrtException {
            session.run(feeds).close();
        }

        @Override
        public void close() throws OrtException {
            feeds.values().forEach(OnnxTensor::close);
            session.close();
        }
    }

    record Row(String variant, int n, String shape, double gflop, double medianMs, double minMs) {
        double gflops() {
            return gflop / (medianMs / 1000);
        }
    }

    private static List<Row> measureLength(OrtEnvironment env, OrtSession.SessionOptions opOptions, OrtSession.SessionOptions gemmOptions, int n,
        int heads, int headDim, int window, int warmup, int runs) throws OrtException {
        Random random = new Random(n);
        int band = 2 * window + 1;
        int hidden = heads * headDim;
        SparseAttentionCase op = SparseAttentionCase.slidingWindow(1, n, heads, headDim, window, null, random).global(0, 0);
        long pairs = op.allowedPairs();
        if (n <= 4096) {
            long bruteForce = bruteForcePairs(op);
            if (bruteForce != pairs) {
                throw new IllegalStateException("allowed pairs: counted " + pairs + ", brute force over all (i, j) gives " + bruteForce);
            }
        }
        progress(String.format(Locale.ROOT, "n=%d: %d allowed (query, key) pairs over %d heads (%.1f per query; checked by brute force: %s)",
            n, pairs, heads, pairs / (double) heads / n, n <= 4096 ? "yes" : "no, n > 4096"));
        List<Kernel> kernels = new ArrayList<>();
        try {
            kernels.add(new Kernel(OP, String.format(Locale.ROOT, "q, k, v [1, %d, %d], w=%d, [CLS] global", n, hidden, window), 4.0 * headDim * pairs,
                env.createSession(op.model(), opOptions), op.feeds(env)));
            kernels.add(matMul(env, gemmOptions, BATCHED, new long[] { heads, n, headDim }, new long[] { heads, headDim, band }, random));
            kernels.add(matMul(env, gemmOptions, PLAIN, new long[] { (long) heads * n, headDim }, new long[] { headDim, band }, random));
            kernels.add(matMul(env, gemmOptions, PROJECTION, new long[] { n, hidden }, new long[] { hidden, hidden }, random));
            for (Kernel k : kernels) {
                progress("n=" + n + " " + k.variant() + " " + k.shape() + ": warm-up");
                for (int i = 0; i < warmup; i++) {
                    k.run();
                }
            }
            double[][] ms = new double[kernels.size()][runs];
            for (int r = 0; r < runs; r++) {
                for (int k = 0; k < kernels.size(); k++) {
                    long start = System.nanoTime();
                    kernels.get(k).run();
                    ms[k][r] = (System.nanoTime() - start) / 1e6;
                }
            }
            List<Row> rows = new ArrayList<>();
            for (int k = 0; k < kernels.size(); k++) {
                Kernel kernel = kernels.get(k);
                Arrays.sort(ms[k]);
                Row row = new Row(kernel.variant(), n, kernel.shape(), kernel.flops() / 1e9, ms[k][runs / 2], ms[k][0]);
                rows.add(row);
                progress(String.format(Locale.ROOT, "n=%d %s: median %.2f ms (min %.2f), %.1f GFLOP/s", n, row.variant(), row.medianMs(), row.minMs(), row.gflops()));
            }
            return rows;
        } finally {
            for (Kernel k : kernels) {
                k.close();
            }
        }
    }

    /** Σ over heads and (i, j) of [multiplicity > 0]: the definition, to check {@link SparseAttentionCase#allowedPairs()}. */
    private static long bruteForcePairs(SparseAttentionCase c) {
        long pairs = 0;
        for (int head = 0; head < c.heads; head++) {
            for (int i = 0; i < c.n; i++) {
                for (int j = 0; j < c.n; j++) {
                    pairs += c.multiplicity(0, head, i, j) > 0 ? 1 : 0;
                }
            }
        }
        return pairs;
    }

    /** A one-node MatMul model a × b with random inputs; 2·M·N·K flops (times the batch). */
    private static Kernel matMul(OrtEnvironment env, OrtSession.SessionOptions options, String variant, long[] a, long[] b, Random random) throws OrtException {
        long[] c = a.clone();
        c[c.length - 1] = b[b.length - 1];
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
            .setName("matmul")
            .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("matmul").addInput("a").addInput("b").addOutput("c"))
            .addInput(valueInfo("a", a))
            .addInput(valueInfo("b", b))
            .addOutput(valueInfo("c", c))
            .build();
        byte[] model = OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("longdoc-bench")
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
            .setGraph(graph)
            .build()
            .toByteArray();
        double flops = 2.0 * a[a.length - 2] * a[a.length - 1] * b[b.length - 1] * (a.length == 3 ? a[0] : 1);
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        feeds.put("a", OnnxTensor.createTensor(env, FloatBuffer.wrap(gaussian(random, a)), a));
        feeds.put("b", OnnxTensor.createTensor(env, FloatBuffer.wrap(gaussian(random, b)), b));
        return new Kernel(variant, Arrays.toString(a) + " × " + Arrays.toString(b), flops, env.createSession(model, options), feeds);
    }

    private static float[] gaussian(Random random, long[] shape) {
        float[] values = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, long[] dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        OnnxMl.TypeProto.Tensor tensor = OnnxMl.TypeProto.Tensor.newBuilder()
            .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .setShape(shape)
            .build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    private static OrtSession.SessionOptions sessionOptions(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return options;  // arena on (the default): repeated runs reuse their buffers, as a serving process would
    }

    /**
     * What the op's run-time dispatch (onnx-ops/src/cpu/tile_kernels_select.cc) will pick: AVX-512F, else AVX2 + FMA,
     * else generic. The library does not log its choice, so this reads the same flags from /proc/cpuinfo.
     */
    record Cpu(String model, Set<String> flags) {
        static Cpu read() {
            String model = "unknown";
            Set<String> flags = new TreeSet<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name") && model.equals("unknown")) {
                        model = line.substring(line.indexOf(':') + 1).trim();
                    } else if (line.startsWith("flags") && flags.isEmpty()) {
                        flags.addAll(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                    }
                }
            } catch (Exception e) {
                model = "unknown (/proc/cpuinfo not readable: " + e.getMessage() + ")";
            }
            return new Cpu(model, flags);
        }

        String isa() {
            if (flags.isEmpty()) {
                return "unknown";
            }
            if (flags.contains("avx512f")) {
                return "avx512";
            }
            return flags.contains("avx2") && flags.contains("fma") ? "avx2" : "generic";
        }

        String describe() {
            return String.format(Locale.ROOT, "%s, %d cores; avx512f=%s avx2=%s fma=%s → op ISA variant %s (inferred from the library's dispatch rule; "
                + "it does not log it)", model, Runtime.getRuntime().availableProcessors(), yes(flags.contains("avx512f")), yes(flags.contains("avx2")),
                yes(flags.contains("fma")), isa());
        }

        private static String yes(boolean b) {
            return b ? "yes" : "no";
        }
    }

    private static String report(List<Row> rows, Cpu cpu, int heads, int headDim, int window, int threads, int runs, int warmup) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Fused longdoc.SparseAttention alone (one-node model, batch 1, %d heads × head dim %d, sliding window w=%d each side, "
            + "global [CLS]) vs ONNX Runtime's dense MatMul, one process, %d intra-op threads, %d warm-up + %d timed runs interleaved; "
            + "median (min) ms. Op GFLOP/s count 4·h flops per allowed (query, key) pair, exactly counted; MatMul 2·M·N·K. "
            + "CPU: %s.%n%n", heads, headDim, window, threads, warmup, runs, cpu.describe()));
        md.append("| n | kernel | shape | GFLOP / run | ms (median) | ms (min) | GFLOP/s (median) |\n");
        md.append("| ---: | --- | --- | ---: | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %.2f | %.2f | %.2f | %.1f |%n", r.n(), r.variant(), r.shape(), r.gflop(), r.medianMs(),
                r.minMs(), r.gflops()));
        }
        md.append("\nRatio of the op's GFLOP/s to each MatMul's (median times):\n\n");
        md.append("| n | op GFLOP/s | op ÷ MatMul batched | op ÷ MatMul 2-D | op ÷ projection GEMM (ref.) |\n");
        md.append("| ---: | ---: | ---: | ---: | ---: |\n");
        for (int n : rows.stream().mapToInt(Row::n).distinct().toArray()) {
            Map<String, Row> byVariant = byVariant(rows, n);
            double op = byVariant.get(OP).gflops();
            md.append(String.format(Locale.ROOT, "| %d | %.1f | %.2f | %.2f | %.2f |%n", n, op, op / byVariant.get(BATCHED).gflops(),
                op / byVariant.get(PLAIN).gflops(), op / byVariant.get(PROJECTION).gflops()));
        }
        return md.toString();
    }

    private static Map<String, Row> byVariant(List<Row> rows, int n) {
        Map<String, Row> map = new HashMap<>();
        rows.stream().filter(r -> r.n() == n).forEach(r -> map.put(r.variant(), r));
        return map;
    }

    private static String json(List<Row> rows, Cpu cpu, int heads, int headDim, int window, int threads, int runs, int warmup) {
        StringBuilder json = new StringBuilder("{\n");
        json.append(String.format(Locale.ROOT,
            "  \"heads\": %d, \"head_dim\": %d, \"window\": %d, \"globals\": \"[CLS]\", \"threads\": %d, \"warmup\": %d, \"runs\": %d,%n", heads, headDim,
            window, threads, warmup, runs));
        json.append(String.format(Locale.ROOT, "  \"cpu\": \"%s\", \"avx512f\": %b, \"avx2\": %b, \"fma\": %b, \"op_isa_inferred\": \"%s\",%n",
            cpu.model().replace("\"", "'"), cpu.flags().contains("avx512f"), cpu.flags().contains("avx2"), cpu.flags().contains("fma"), cpu.isa()));
        json.append("  \"rows\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            json.append(String.format(Locale.ROOT,
                "    {\"variant\": \"%s\", \"n\": %d, \"shape\": \"%s\", \"gflop\": %.4f, \"median_ms\": %.3f, \"min_ms\": %.3f, \"gflops\": %.2f}%s%n",
                r.variant(), r.n(), r.shape(), r.gflop(), r.medianMs(), r.minMs(), r.gflops(), i + 1 < rows.size() ? "," : ""));
        }
        json.append("  ],\n  \"ratios\": [\n");
        int[] ns = rows.stream().mapToInt(Row::n).distinct().toArray();
        for (int i = 0; i < ns.length; i++) {
            Map<String, Row> byVariant = byVariant(rows, ns[i]);
            double op = byVariant.get(OP).gflops();
            json.append(String.format(Locale.ROOT, "    {\"n\": %d, \"op_over_matmul_batched\": %.3f, \"op_over_matmul_2d\": %.3f, \"op_over_projection_gemm\": %.3f}%s%n",
                ns[i], op / byVariant.get(BATCHED).gflops(), op / byVariant.get(PLAIN).gflops(), op / byVariant.get(PROJECTION).gflops(),
                i + 1 < ns.length ? "," : ""));
        }
        return json.append("  ]\n}\n").toString();
    }


}
