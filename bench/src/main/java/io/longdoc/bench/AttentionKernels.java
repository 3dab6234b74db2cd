package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.longdoc.ops.SparseAttentionCase;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Times the fused {@code longdoc.SparseAttention} op alone (a one-node model, sliding window w each side, global [CLS],
 * batch 1) and ONNX Runtime's own dense MatMul of a comparable size, in one process with the same intra-op threads, so
 * the op's GFLOP/s can be read against what ORT's GEMM reaches on the same machine in the same minute.
 * <ul>
 * <li>op: 4·h flops per allowed (query, key) pair (q·k and p·v), pairs counted exactly for the pattern
 * ({@link SparseAttentionCase#allowedPairs()}); softmax and exp are not counted.</li>
 * <li>batched MatMul [heads, n, h] × [heads, h, 2w+1]: the band's scores as one dense product, 2·M·N·K flops.</li>
 * <li>2-D MatMul [heads·n, h] × [h, 2w+1]: the same M·N·K as a plain GEMM (one B for all heads).</li>
 * <li>reference: the layer's projection GEMM [n, hidden] × [hidden, hidden], what MLAS reaches with a large K.</li>
 * </ul>
 * The variants run interleaved (op, batched, 2-D, projection, op, …) after a warm-up, so a noisy neighbour slows all of
 * them alike. Used by {@link AttentionKernelBench} (the detailed table) and by the speed harness (its kernel line).
 */
final class AttentionKernels {

    static final String OP = "fused SparseAttention";
    static final String BASELINE = "fused SparseAttention (baseline library)";
    static final String BATCHED = "MatMul batched";
    static final String PLAIN = "MatMul 2-D";
    static final String PROJECTION = "MatMul projection (ref.)";

    /** The op's shape and the timing protocol. */
    record Setup(int heads, int headDim, int window, int threads, int warmup, int runs) {
        Setup {
            if (runs < 1 || warmup < 0) {
                throw new IllegalArgumentException("runs must be ≥ 1 and warm-up ≥ 0, got runs=" + runs + ", warm-up=" + warmup);
            }
        }
    }

    private AttentionKernels() {}

    /** Every kernel at every length; the op runs from the onnx-ops library at {@code library}. */
    static List<Row> measure(OrtEnvironment env, Path library, int[] lengths, Setup setup) throws OrtException {
        return measure(env, library, null, lengths, setup);
    }

    /**
     * As {@link #measure(OrtEnvironment, Path, int[], Setup)}, and when {@code baseline} is not null the same op from a
     * second build of the library (e.g. the previous commit's), timed in the same rounds: a before/after in one process.
     */
    static List<Row> measure(OrtEnvironment env, Path library, Path baseline, int[] lengths, Setup setup) throws OrtException {
        List<Row> rows = new ArrayList<>();
        try (OrtSession.SessionOptions opOptions = sessionOptions(setup.threads());
            OrtSession.SessionOptions baselineOptions = sessionOptions(setup.threads());
            OrtSession.SessionOptions gemmOptions = sessionOptions(setup.threads())) {
            opOptions.registerCustomOpLibrary(library.toAbsolutePath().toString());
            if (baseline != null) {
                baselineOptions.registerCustomOpLibrary(baseline.toAbsolutePath().toString());
            }
            for (int n : lengths) {
                rows.addAll(measureLength(env, opOptions, baseline != null ? baselineOptions : null, gemmOptions, n, setup.heads(), setup.headDim(),
                    setup.window(), setup.warmup(), setup.runs()));
            }
        }
        return rows;
    }

    /** The rows of one length by kernel name. */
    static Map<String, Row> byVariant(List<Row> rows, int n) {
        Map<String, Row> map = new HashMap<>();
        rows.stream().filter(r -> r.n() == n).forEach(r -> map.put(r.variant(), r));
        return map;
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

    /** One kernel at one length: useful GFLOP per run and the median and fastest times of the timed runs. */
    record Row(String variant, int n, String shape, double gflop, double medianMs, double minMs) {
        double gflops() {
            return gflop / (medianMs / 1000);
        }
    }

    private static List<Row> measureLength(OrtEnvironment env, OrtSession.SessionOptions opOptions, OrtSession.SessionOptions baselineOptions,
        OrtSession.SessionOptions gemmOptions, int n, int heads, int headDim, int window, int warmup, int runs) throws OrtException {
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
            String opShape = String.format(Locale.ROOT, "q, k, v [1, %d, %d], w=%d, [CLS] global", n, hidden, window);
            kernels.add(new Kernel(OP, opShape, 4.0 * headDim * pairs, env.createSession(op.model(), opOptions), op.feeds(env)));
            if (baselineOptions != null) {
                kernels.add(new Kernel(BASELINE, opShape, 4.0 * headDim * pairs, env.createSession(op.model(), baselineOptions), op.feeds(env)));
            }
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
}
