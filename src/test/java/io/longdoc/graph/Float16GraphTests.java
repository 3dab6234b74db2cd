package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import com.google.protobuf.InvalidProtocolBufferException;

import io.longdoc.graph.GraphRuns.GraphOutputs;
import io.longdoc.graph.GraphRuns.TokenBatch;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.longdoc.graph.GraphRuns.maxDiff;
import static io.longdoc.graph.GraphRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Graphs built with {@link Precision#FP16}: their structure (which tensors are float16, where the casts are), and their
 * outputs against the float32 graph's in ONNX Runtime on the CPU, which runs float16 graphs by inserting casts around
 * the ops it has no float16 kernel for. The GPU run is {@code bench/gpu-check.sh}'s.
 */
class Float16GraphTests {

    private static final GraphOptions FP16 = new GraphOptions(false, Precision.FP16);
    private static final GraphOptions FUSED_FP16 = new GraphOptions(true, Precision.FP16);
    /**
     * float16 keeps 11 significant bits (relative rounding ≈ 4.9e-4); weights, activations and 2 layers rounded to it
     * moved the random test models' outputs (values up to ≈ 3.8) by at most 0.021 (5.5e-3 of the largest value) and
     * every token's vector kept a cosine ≥ 0.99998 to float32's (2026-12-02, ONNX Runtime 1.29 CPU).
     */
    private static final double FP16_RELATIVE_TOLERANCE = 1e-2;
    private static final double FP16_MIN_COSINE = 0.9999;

    @Test
    void weightsAreFloat16AndOutputsFloat32() throws InvalidProtocolBufferException {
        EncoderWeights weights = RandomEncoderWeights.bert(41).withQaHead().withGlobalProjections().build();
        GraphProto graph = parse(EncoderGraphBuilder.build(weights, AttentionPattern.SlidingWindow.uniform(RandomEncoderWeights.LAYERS, 3), FP16));

        List<String> float32 = graph.getInitializerList().stream().filter(t -> t.getDataType() == DataType.FLOAT.getNumber()).map(TensorProto::getName).toList();
        assertEquals(List.of(), float32, "an fp16 graph without random blocks has no float32 initializer");
        for (String name : List.of("embeddings.word", "layer.0.query.weight", "layer.1.output.bias", "layer.0.query_global.weight", "qa_outputs.weight")) {
            assertEquals(DataType.FLOAT16.getNumber(), initializer(graph, name).getDataType(), name);
        }
        TensorProto word = initializer(graph, "embeddings.word");
        assertEquals(2L * weights.wordEmbeddings().data().length, word.getRawData().size(), "2 bytes a value");
        assertEquals(Float.floatToFloat16(weights.wordEmbeddings().data()[5]), halfAt(word, 5));

        for (ValueInfoProto input : graph.getInputList()) {
            assertEquals(DataType.INT64.getNumber(), input.getType().getTensorType().getElemType(), input.getName());
        }
        Map<String, NodeProto> producers = producers(graph);
        for (ValueInfoProto output : graph.getOutputList()) {
            assertEquals(DataType.FLOAT.getNumber(), output.getType().getTensorType().getElemType(), output.getName());
            NodeProto identity = producers.get(output.getName());
            NodeProto cast = producers.get(identity.getInput(0));
            assertEquals("Cast", cast.getOpType(), output.getName() + " is cast back to float32 at the edge");
            assertEquals(DataType.FLOAT.getNumber(), cast.getAttribute(0).getI());
        }
        List<NodeProto> castsToFloat32 = graph.getNodeList().stream()
            .filter(n -> n.getOpType().equals("Cast") && n.getAttribute(0).getI() == DataType.FLOAT.getNumber())
            .toList();
        assertEquals(graph.getOutputCount(), castsToFloat32.size(), "float32 appears only at the outputs");
    }

    @Test
    void layerNormKeepsFloat32Statistics() throws InvalidProtocolBufferException {
        GraphProto graph = parse(EncoderGraphBuilder.build(RandomEncoderWeights.bert(42).build(), new AttentionPattern.Dense(), FP16));
        List<NodeProto> norms = graph.getNodeList().stream().filter(n -> n.getOpType().equals("LayerNormalization")).toList();
        // the embeddings' norm; each layer's two are com.microsoft.SkipLayerNormalization (residual and bias in the same
        // pass), whose kernels accumulate mean and variance in float32 for float16 input and have no stash_type
        List<NodeProto> skipNorms = graph.getNodeList().stream().filter(n -> n.getOpType().equals("SkipLayerNormalization")).toList();
        assertEquals(1, norms.size());
        assertEquals(2 * RandomEncoderWeights.LAYERS, skipNorms.size());
        for (NodeProto norm : norms) {
            // stash_type absent = 1: mean and variance in float32 whatever the input type (ONNX LayerNormalization-17)
            assertTrue(norm.getAttributeList().stream().noneMatch(a -> a.getName().equals("stash_type") && a.getI() != 1), norm.getName());
        }
    }

    @Test
    void maskValuesStayFinite() throws InvalidProtocolBufferException {
        GraphProto graph = parse(EncoderGraphBuilder.build(RandomEncoderWeights.bert(43).build(), new AttentionPattern.Dense(), FP16));
        List<Float> values = new ArrayList<>();
        for (TensorProto tensor : graph.getInitializerList()) {
            if (tensor.getDataType() == DataType.FLOAT16.getNumber()) {
                for (int i = 0; i < tensor.getRawData().size() / 2; i++) {
                    values.add(Float.float16ToFloat(halfAt(tensor, i)));
                }
            }
        }
        assertTrue(values.stream().allMatch(Float::isFinite), "no inf or NaN: a fully masked row must give a uniform softmax, not NaN");
        assertTrue(values.contains(-65504f), "the mask value -1e9 is clamped to float16's lowest finite value");
        assertEquals(Float.floatToFloat16(-65504f), OnnxGraphWriter.toFloat16(Float.NEGATIVE_INFINITY));
        assertEquals(Float.floatToFloat16(0.1f), OnnxGraphWriter.toFloat16(0.1f));
    }

    @Test
    void seededRandomBlockKeysStayFloat32() throws InvalidProtocolBufferException {
        EncoderWeights weights = RandomEncoderWeights.bert(44).build();
        GraphProto graph = parse(EncoderGraphBuilder.build(weights, new AttentionPattern.BlockSparse(4, 2, 3, AttentionPattern.RandomBlocks.SEEDED), FP16));
        for (int layer = 0; layer < RandomEncoderWeights.LAYERS; layer++) {
            // 24-bit keys: float16 would round them (and overflow above 65504), changing which blocks TopK picks
            assertEquals(DataType.FLOAT.getNumber(), initializer(graph, "layer." + layer + ".random_block_keys").getDataType());
        }
        assertEquals(DataType.FLOAT16.getNumber(), initializer(graph, "layer.0.key.weight").getDataType());
    }

    @Test
    void fusedGraphFeedsTheOpFloat16() throws InvalidProtocolBufferException {
        EncoderWeights weights = RandomEncoderWeights.bert(45).build();
        GraphProto graph = parse(EncoderGraphBuilder.build(weights, AttentionPattern.SlidingWindow.uniform(RandomEncoderWeights.LAYERS, 3), FUSED_FP16));
        List<NodeProto> ops = graph.getNodeList().stream().filter(n -> n.getOpType().equals("SparseAttention")).toList();
        assertEquals(RandomEncoderWeights.LAYERS, ops.size());
        Map<String, NodeProto> producers = producers(graph);
        for (NodeProto op : ops) {
            // query, key and value come straight from the fp16 projections: no cast in front of the kernel
            for (int input = 0; input < 3; input++) {
                NodeProto producer = producers.get(op.getInput(input));
                assertFalse(producer.getOpType().equals("Cast"), op.getName() + " input " + input);
            }
        }
    }

    @Test
    void fp16MatchesFp32OnTheCpu() throws OrtException {
        TokenBatch inputs = TokenBatch.random(46, new int[] { 37, 30 }, new int[][] { { 0 }, { 0 } }, 0);
        Map<String, AttentionPattern> patterns = Map.of(
            "dense", new AttentionPattern.Dense(),
            "sliding window + CLS", AttentionPattern.SlidingWindow.uniform(RandomEncoderWeights.LAYERS, 4),
            "block sparse, seeded", new AttentionPattern.BlockSparse(4, 1, 7, AttentionPattern.RandomBlocks.SEEDED)
        );
        EncoderWeights weights = RandomEncoderWeights.bert(46).withQaHead().withGlobalProjections().build();
        for (var entry : patterns.entrySet()) {
            AttentionPattern pattern = entry.getValue();
            GraphOutputs fp32 = run(EncoderGraphBuilder.build(weights, pattern, GraphOptions.STANDARD), inputs);
            GraphOutputs fp16 = run(EncoderGraphBuilder.build(weights, pattern, FP16), inputs);
            double diff = maxDiff(fp16, fp32, inputs);
            double scale = maxAbs(fp32);
            assertTrue(diff <= FP16_RELATIVE_TOLERANCE * scale, entry.getKey() + ": fp16 differs from fp32 by " + diff + " on values up to " + scale);
            double cosine = minCosine(fp16, fp32, inputs);
            assertTrue(cosine >= FP16_MIN_COSINE, entry.getKey() + ": a token's fp16 vector has cosine " + cosine + " to its fp32 vector");
            assertTrue(diff > 0, entry.getKey() + ": rounding to fp16 must show, or the graph was not fp16");
        }
    }

    /** The smallest cosine between the two runs' vectors of one real token. */
    private static double minCosine(GraphOutputs a, GraphOutputs b, TokenBatch batch) {
        double min = 1;
        for (int s = 0; s < batch.ids().length; s++) {
            for (int i = 0; i < batch.ids()[s].length; i++) {
                if (batch.real(s, i) == false) {
                    continue;
                }
                float[] x = a.hidden()[s][i], y = b.hidden()[s][i];
                double dot = 0, nx = 0, ny = 0;
                for (int c = 0; c < x.length; c++) {
                    dot += x[c] * y[c];
                    nx += x[c] * x[c];
                    ny += y[c] * y[c];
                }
                min = Math.min(min, dot / Math.sqrt(nx * ny));
            }
        }
        return min;
    }

    private static double maxAbs(GraphOutputs outputs) {
        double max = 0;
        for (float[][] sequence : outputs.hidden()) {
            for (float[] row : sequence) {
                for (float value : row) {
                    max = Math.max(max, Math.abs(value));
                }
            }
        }
        return max;
    }

    /**
     * The fused fp16 graphs type-check against the op's schema and compute the model: liblongdoc_ops_cuda.so declares
     * the op for float16 too (its CUDA kernel), which the CPU-only library does not, and on a CPU session ONNX Runtime
     * runs that node through the float CPU kernel with casts inserted around it. That is also why the CUDA sessions check
     * the op's placement: an fp16 node can land on the CPU silently.
     */
    @Test
    void fusedFp16GraphsRunWithTheCudaLibrarysSchema() throws OrtException {
        Path cudaLibrary = Path.of(System.getProperty("tests.longdoc.ops.cuda.library", "onnx-ops/target/liblongdoc_ops_cuda.so")).toAbsolutePath();
        assumeTrue(Files.isRegularFile(cudaLibrary), "the CUDA ops library was not built (" + cudaLibrary + "): build with -Dlongdoc.cuda=ON");
        TokenBatch inputs = TokenBatch.random(47, new int[] { 37, 30 }, new int[][] { { 0 }, { 0 } }, 0);
        EncoderWeights weights = RandomEncoderWeights.bert(47).withGlobalProjections().build();
        for (AttentionPattern pattern : List.of(
            AttentionPattern.SlidingWindow.uniform(RandomEncoderWeights.LAYERS, 4),
            new AttentionPattern.BlockSparse(4, 1, 7, AttentionPattern.RandomBlocks.SEEDED)
        )) {
            byte[] model = EncoderGraphBuilder.build(weights, pattern, FUSED_FP16);
            GraphOutputs fp32 = run(EncoderGraphBuilder.build(weights, pattern, GraphOptions.STANDARD), inputs);
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.registerCustomOpLibrary(cudaLibrary.toString());
                try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model, options)) {
                    GraphOutputs fp16 = GraphRuns.run(session, inputs);
                    double diff = maxDiff(fp16, fp32, inputs);
                    assertTrue(diff <= FP16_RELATIVE_TOLERANCE * maxAbs(fp32), pattern + ": fused fp16 differs from fp32 by " + diff);
                    assertTrue(minCosine(fp16, fp32, inputs) >= FP16_MIN_COSINE, pattern.toString());
                }
            }
            // the CPU library has no float16 form of the op: the graph is refused, not run wrongly
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.registerCustomOpLibrary(GraphRuns.opsLibrary().toString());
                var e = assertThrows(OrtException.class, () -> OrtEnvironment.getEnvironment().createSession(model, options).close());
                assertTrue(e.getMessage().contains("tensor(float16)"), e.getMessage());
            }
        }
    }

    private static GraphProto parse(byte[] model) throws InvalidProtocolBufferException {
        return ModelProto.parseFrom(model).getGraph();
    }

    private static TensorProto initializer(GraphProto graph, String name) {
        return graph.getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no initializer " + name));
    }

    private static short halfAt(TensorProto tensor, int index) {
        return ByteBuffer.wrap(tensor.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).getShort(2 * index);
    }

    private static Map<String, NodeProto> producers(GraphProto graph) {
        return graph.getNodeList().stream()
            .flatMap(n -> n.getOutputList().stream().map(o -> Map.entry(o, n)))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
