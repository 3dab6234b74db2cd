package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import ai.onnxruntime.OrtEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The kernel line of the speed report: the attention op's achieved GFLOP/s at one length next to ORT's dense MatMul
 * measured in the same run ({@link AttentionKernels}): the band's scores as one batched MatMul (the same M·N·K as
 * the op's q·k), and the layer's projection GEMM as what MLAS reaches with a large K.
 */
record KernelLine(int n, double opGflops, double matMulGflops, double projectionGflops) {

    /** The attention shape of the bundled models (bge-small, MiniLM: 12 heads of 32 dims). */
    static final int HEADS = 12;
    static final int HEAD_DIM = 32;

    double opOverMatMul() {
        return opGflops / matMulGflops;
    }

    /** Runs the kernels at {@code lengths}; fails with the reason when there is no onnx-ops library to run the op from. */
    static List<KernelLine> measure(Path opsLibrary, int[] lengths, AttentionKernels.Setup setup) throws Exception {
        if (Files.isRegularFile(opsLibrary) == false) {
            throw new IllegalStateException("no onnx-ops library at " + opsLibrary + " (the Maven build makes it)");
        }
        List<AttentionKernels.Row> rows = AttentionKernels.measure(OrtEnvironment.getEnvironment(), opsLibrary, lengths, setup);
        List<KernelLine> lines = new ArrayList<>();
        for (int n : lengths) {
            Map<String, AttentionKernels.Row> at = AttentionKernels.byVariant(rows, n);
            KernelLine line = new KernelLine(n, at.get(AttentionKernels.OP).gflops(), at.get(AttentionKernels.BATCHED).gflops(),
                at.get(AttentionKernels.PROJECTION).gflops());
            progress(String.format(Locale.ROOT, "kernel n=%d: op %.1f GFLOP/s, MatMul %.1f GFLOP/s (op ÷ MatMul %.2f), projection GEMM %.1f GFLOP/s",
                n, line.opGflops(), line.matMulGflops(), line.opOverMatMul(), line.projectionGflops()));
            lines.add(line);
        }
        return lines;
    }
}
