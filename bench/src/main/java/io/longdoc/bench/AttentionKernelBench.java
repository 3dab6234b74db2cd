package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import ai.onnxruntime.OrtEnvironment;
import io.longdoc.bench.AttentionKernels.Row;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The detailed table of the fused {@code longdoc.SparseAttention} kernel alone next to ONNX Runtime's dense MatMul
 * (what is measured and how: {@link AttentionKernels}); the speed harness prints a one-line summary of the same runs.
 * The table reports the median and the minimum of the timed runs.
 *
 * <pre>bash bench/attention-kernel.sh [--lengths 1024,4096,16384] [--runs 5] [--head-dim 32|64] [--heads 12] [--window 256]
 *     [--threads all cores] [--warmup 2] [--ops-library onnx-ops/target/liblongdoc_ops.so] [--out bench/results]
 *     [--baseline-library another build of liblongdoc_ops.so: its op timed in the same rounds, before/after in one run]</pre>
 */
public final class AttentionKernelBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchCli.options(args);
        int[] lengths = Arrays.stream(options.getOrDefault("lengths", "1024,4096,16384").split(",")).mapToInt(Integer::parseInt).toArray();
        int runs = Integer.parseInt(options.getOrDefault("runs", "5"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "2"));
        int heads = Integer.parseInt(options.getOrDefault("heads", "12"));
        int headDim = Integer.parseInt(options.getOrDefault("head-dim", "32"));
        int window = Integer.parseInt(options.getOrDefault("window", "256"));
        int threads = Integer.parseInt(options.getOrDefault("threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        Path library = Path.of(options.getOrDefault("ops-library", "onnx-ops/target/liblongdoc_ops.so"));
        Path out = Path.of(options.getOrDefault("out", "bench/results"));
        Path baseline = options.containsKey("baseline-library") ? Path.of(options.get("baseline-library")) : null;
        if (baseline != null && Files.isRegularFile(baseline) == false) {
            throw new IllegalStateException("no baseline library at " + baseline);
        }
        AttentionKernels.Setup setup = new AttentionKernels.Setup(heads, headDim, window, threads, warmup, runs);
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

        List<Row> rows = AttentionKernels.measure(OrtEnvironment.getEnvironment(), library, baseline, lengths, setup);
        String report = report(rows, cpu, heads, headDim, window, threads, runs, warmup);
        System.out.println();
        System.out.println(report);
        Files.createDirectories(out);
        Files.writeString(out.resolve("attention-kernel.md"), report);
        Files.writeString(out.resolve("attention-kernel.json"), json(rows, cpu, heads, headDim, window, threads, runs, warmup));
        progress("wrote " + out.resolve("attention-kernel.md") + " and .json");
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
        boolean withBaseline = rows.stream().anyMatch(r -> r.variant().equals(AttentionKernels.BASELINE));
        md.append("\nRatio of the op's GFLOP/s to each MatMul's (median times)" + (withBaseline ? ", and to the baseline library's op" : "") + ":\n\n");
        md.append("| n | op GFLOP/s | op ÷ MatMul batched | op ÷ MatMul 2-D | op ÷ projection GEMM (ref.) |" + (withBaseline ? " baseline op ÷ MatMul batched | op ÷ baseline op |" : "") + "\n");
        md.append("| ---: | ---: | ---: | ---: | ---: |" + (withBaseline ? " ---: | ---: |" : "") + "\n");
        for (int n : rows.stream().mapToInt(Row::n).distinct().toArray()) {
            Map<String, Row> byVariant = AttentionKernels.byVariant(rows, n);
            double op = byVariant.get(AttentionKernels.OP).gflops();
            double batched = byVariant.get(AttentionKernels.BATCHED).gflops();
            md.append(String.format(Locale.ROOT, "| %d | %.1f | %.2f | %.2f | %.2f |", n, op, op / batched,
                op / byVariant.get(AttentionKernels.PLAIN).gflops(), op / byVariant.get(AttentionKernels.PROJECTION).gflops()));
            if (withBaseline) {
                double before = byVariant.get(AttentionKernels.BASELINE).gflops();
                md.append(String.format(Locale.ROOT, " %.2f | %.2f |", before / batched, op / before));
            }
            md.append("\n");
        }
        return md.toString();
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
            Map<String, Row> byVariant = AttentionKernels.byVariant(rows, ns[i]);
            double op = byVariant.get(AttentionKernels.OP).gflops();
            Row baseline = byVariant.get(AttentionKernels.BASELINE);
            String versus = baseline == null ? "" : String.format(Locale.ROOT, ", \"op_over_baseline_op\": %.3f", op / baseline.gflops());
            json.append(String.format(Locale.ROOT, "    {\"n\": %d, \"op_over_matmul_batched\": %.3f, \"op_over_matmul_2d\": %.3f, \"op_over_projection_gemm\": %.3f%s}%s%n",
                ns[i], op / byVariant.get(AttentionKernels.BATCHED).gflops(), op / byVariant.get(AttentionKernels.PLAIN).gflops(), op / byVariant.get(AttentionKernels.PROJECTION).gflops(),
                versus, i + 1 < ns.length ? "," : ""));
        }
        return json.append("  ]\n}\n").toString();
    }


}
