package io.longdoc.runtime;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import io.longdoc.TestModels;
import io.longdoc.graph.Precision;
import io.longdoc.graph.SparseAttentionProbe;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The placement check of the fused op: its probe model is the op alone and a valid model, and a session that disables
 * CPU fallback refuses it wherever the op would land on the CPU — here, where there is no GPU, always. That it opens
 * on CUDA is {@code bench/gpu-check.sh}'s to show.
 */
class FusedOpPlacementTests {

    @Test
    void theProbeIsTheOpAloneInTheRequestedPrecision() throws Exception {
        for (Precision precision : Precision.values()) {
            ModelProto model = ModelProto.parseFrom(SparseAttentionProbe.model(precision));
            List<String> ops = model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
            assertEquals(List.of("SparseAttention", "Identity"), ops, precision.toString());
            int type = precision == Precision.FP16 ? DataType.FLOAT16.getNumber() : DataType.FLOAT.getNumber();
            assertEquals(type, model.getGraph().getInput(0).getType().getTensorType().getElemType());
            assertEquals(type, model.getGraph().getOutput(0).getType().getTensorType().getElemType(), "no cast: nothing but the op to place");
        }
    }

    @Test
    void theProbeOpensWhereCpuFallbackIsAllowed() throws OrtException {
        // so a refusal under the strict setup is about placement, not a broken probe
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            TestModels.opsLibrary().registerInto(options, ExecutionProvider.CPU);
            try (OrtSession session = OrtEnvironment.getEnvironment().createSession(SparseAttentionProbe.model(Precision.FP32), options)) {
                assertEquals(4, session.getNumInputs());
            }
        }
    }

    @Test
    void theProbeRunsOnceOnTwoTokensInEachPrecision() throws OrtException {
        // what the check does after the op is placed; here on the CPU kernel (fp16 through the CUDA library's schema,
        // ONNX Runtime casting around the float CPU kernel), so the feeds fit the probe in both precisions
        Path cudaLibrary = Path.of(System.getProperty("tests.longdoc.ops.cuda.library", "onnx-ops/target/liblongdoc_ops_cuda.so"));
        assumeTrue(Files.isRegularFile(cudaLibrary), "the CUDA ops library was not built (" + cudaLibrary + "): build with -Dlongdoc.cuda=ON");
        for (Precision precision : Precision.values()) {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.registerCustomOpLibrary(cudaLibrary.toString());
                try (OrtSession session = OrtEnvironment.getEnvironment().createSession(SparseAttentionProbe.model(precision), options)) {
                    long[] context = FusedOpPlacement.runOnce(OrtEnvironment.getEnvironment(), session);
                    assertArrayEquals(new long[] { 1, 2, 8 }, context, precision.toString());
                }
            }
        }
    }

    @Test
    void aStrictSessionRefusesTheOpOnTheCpu() {
        SessionSetup cpu = SessionSetup.model(ExecutionProvider.CPU, 0, 1);
        Optional<String> refused = FusedOpPlacement.check(OrtEnvironment.getEnvironment(), cpu, TestModels.opsLibrary(), Precision.FP32);
        assertTrue(refused.isPresent());
        assertTrue(refused.get().startsWith("the fused op longdoc.SparseAttention (fp32) does not run on the cpu execution provider"), refused.get());
        // ONNX Runtime's own words for a node on the CPU under session.disable_cpu_ep_fallback
        assertTrue(refused.get().contains("fallback to CPU EP has been explicitly disabled"), refused.get());
    }

    @Test
    void aCudaCheckWithoutTheGpuBuildSaysWhy() {
        SessionSetup cuda = SessionSetup.model(ExecutionProvider.CUDA, 1, 1);
        java.nio.file.Path library = java.nio.file.Path.of(System.getProperty("tests.longdoc.ops.library"));
        Optional<String> refused = FusedOpPlacement.check(OrtEnvironment.getEnvironment(), cuda, new OpsLibrary(library, library), Precision.FP16);
        assertTrue(refused.isPresent());
        assertTrue(refused.get().contains("(fp16) does not run on the cuda execution provider (device [1])"), refused.get());
    }
}
