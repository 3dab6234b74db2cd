package io.longdoc.graph;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import io.longdoc.bench.OpProfileBench;
import io.longdoc.graph.importer.Longify;
import io.longdoc.graph.importer.OnnxExportImporter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The side-by-side behind {@link QuantizedLinear#DEFAULT_FORM}: the default model's fused graph in fp32 and in the two
 * int8 forms as ONNX Runtime runs them (every graph optimization on; it prints which int8 ops each graph became), and
 * the first int8 form once more in a session of its own, which shows how far identical runs land apart here. The runs
 * interleave the variants, so a machine that slows down slows all of them; compare the ratios. It lives in the graph package because the forms are the builder's
 * internals, not its API.
 *
 * <pre>bash bench/int8-forms.sh [--lengths 512,4096] [--runs 5] [--threads 2]</pre>
 */
public final class Int8FormsBench {

    private static final String MODEL = "target/model-sources/bge-small-en-v1.5/bge-small-en-v1.5.onnx";
    private static final String OPS = "onnx-ops/target/liblongdoc_ops.so";
    private static final int WINDOW = 256;

    private Int8FormsBench() {}

    private record Variant(String label, byte[] graph) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int[] lengths = Arrays.stream(o.getOrDefault("lengths", "512,4096").split(",")).mapToInt(Integer::parseInt).toArray();
        int runs = Integer.parseInt(o.getOrDefault("runs", "5"));
        int threads = Integer.parseInt(o.getOrDefault("threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        int maxLength = Arrays.stream(lengths).max().orElseThrow();

        EncoderWeights weights = Longify.longify(OnnxExportImporter.read(Path.of(MODEL)), Math.max(maxLength, 512), WINDOW).weights();
        AttentionPattern pattern = AttentionPattern.SlidingWindow.uniform(weights.config().numLayers(), WINDOW);
        GraphOptions int8 = new GraphOptions(true, GemmPrecision.INT8);
        byte[] matMulInteger = EncoderGraphBuilder.build(weights, pattern, int8, QuantizedLinear.Form.MATMUL_INTEGER);
        List<Variant> variants = List.of(
            new Variant("fp32", EncoderGraphBuilder.build(weights, pattern, new GraphOptions(true, GemmPrecision.FP32))),
            new Variant("int8 DynamicQuantizeMatMul", EncoderGraphBuilder.build(weights, pattern, int8, QuantizedLinear.Form.DYNAMIC_QUANTIZE_MATMUL)),
            new Variant("int8 MatMulInteger chain", matMulInteger),
            // the same graph as the second column in a session of its own: how far apart identical runs land here
            new Variant("int8 DynamicQuantizeMatMul again", EncoderGraphBuilder.build(weights, pattern, int8, QuantizedLinear.Form.DYNAMIC_QUANTIZE_MATMUL))
        );
        System.out.printf(Locale.ROOT, "%s; %d threads; %s%n", cpu(), threads, OrtEnvironment.getEnvironment().getVersion());

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OrtSession> sessions = new ArrayList<>();
        Path scratch = Files.createTempDirectory("int8-forms");
        try {
            for (Variant v : variants) {
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.registerCustomOpLibrary(Path.of(OPS).toAbsolutePath().toString());
                Path optimized = scratch.resolve(sessions.size() + ".onnx");
                options.setOptimizedModelFilePath(optimized.toString());
                sessions.add(env.createSession(v.graph(), options));
                System.out.printf(Locale.ROOT, "%-36s after ORT's optimizations: %s%n", v.label(), int8OpCounts(optimized));
            }
            System.out.println();
            System.out.println("| n | " + String.join(" ms | ", variants.stream().map(Variant::label).toList()) + " ms | int8 DQMM ÷ fp32 (time) | chain ÷ DQMM | DQMM again ÷ DQMM |");
            System.out.println("| ---: |" + " ---: |".repeat(variants.size() + 3));
            for (int n : lengths) {
                long[] ids = ids(n);
                double[][] ms = new double[variants.size()][runs];
                for (OrtSession s : sessions) {
                    OpProfileBench.run(env, s, ids); // warm-up
                }
                for (int r = 0; r < runs; r++) {
                    for (int v = 0; v < sessions.size(); v++) {
                        long start = System.nanoTime();
                        OpProfileBench.run(env, sessions.get(v), ids);
                        ms[v][r] = (System.nanoTime() - start) / 1e6;
                    }
                }
                double[] median = Arrays.stream(ms).mapToDouble(Int8FormsBench::median).toArray();
                StringBuilder row = new StringBuilder("| " + n + " |");
                for (double m : median) {
                    row.append(String.format(Locale.ROOT, " %.0f |", m));
                }
                row.append(String.format(Locale.ROOT, " %.2f | %.2f | %.2f |", median[1] / median[0], median[2] / median[1], median[3] / median[1]));
                System.out.println(row);
            }
        } finally {
            for (OrtSession s : sessions) {
                s.close();
            }
        }
    }

    /** How many nodes of each int8-related op type the optimized graph kept. */
    private static Map<String, Integer> int8OpCounts(Path optimized) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (NodeProto node : ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph().getNodeList()) {
            String type = node.getOpType();
            if (type.contains("Quantize") || type.contains("Integer") || type.equals("MatMul") || type.equals("FusedMatMul")) {
                counts.merge(type, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Ids of ordinary vocabulary words between [CLS] and [SEP]: the cost does not depend on which words. */
    private static long[] ids(int n) {
        Random random = new Random(n);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 2000 + random.nextInt(20000);
        }
        ids[0] = 101;
        ids[n - 1] = 102;
        return ids;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    private static String cpu() throws Exception {
        String model = "unknown";
        String flags = "";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name") && model.equals("unknown")) {
                model = line.substring(line.indexOf(':') + 1).trim();
            } else if (line.startsWith("flags") && flags.isEmpty()) {
                flags = " " + line.substring(line.indexOf(':') + 1).trim() + " ";
            }
        }
        return String.format(Locale.ROOT, "%s; avx512_vnni=%s amx_int8=%s", model, flags.contains(" avx512_vnni ") ? "yes" : "no",
            flags.contains(" amx_int8 ") ? "yes" : "no");
    }
}
