package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import io.longdoc.graph.GraphRuns.GraphOutputs;
import io.longdoc.graph.GraphRuns.TokenBatch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.longdoc.graph.GraphRuns.feeds;
import static io.longdoc.graph.GraphRuns.maxHiddenDiff;
import static io.longdoc.graph.GraphRuns.run;
import static io.longdoc.graph.GraphRuns.session;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compiles small random encoders for every attention pattern, runs them in ONNX Runtime and compares them with the
 * plain Java {@link ReferenceEncoder} on the real (non-padding) positions.
 */
class EncoderGraphBuilderTests {

    private static final double TOLERANCE = 1e-4;
    private static final int LAYERS = RandomEncoderWeights.LAYERS;

    // ---- dense

    @Test
    void denseMatchesReference() throws OrtException {
        EncoderWeights weights = RandomEncoderWeights.bert(1).withQaHead().build();
        assertMatchesReference("dense", weights, new AttentionPattern.Dense(), TokenBatch.random(11, new int[] { 23, 15 }, new int[][] { {}, {} }, 0));
    }

    @Test
    void robertaPositionsCountOnlyRealTokens() throws OrtException {
        EncoderWeights weights = RandomEncoderWeights.bert(2).roberta().build();
        TokenBatch inputs = TokenBatch.random(12, new int[] { 20, 13 }, new int[][] { { 0 }, { 0 } }, 1);
        assertMatchesReference("roberta dense", weights, new AttentionPattern.Dense(), inputs);
        assertMatchesReference("roberta window", weights, AttentionPattern.SlidingWindow.uniform(LAYERS, 3), inputs);
        // left padding: the first real token still takes position offset + 0
        TokenBatch leftPadded = inputs.leftPadded(1);
        assertMatchesReference("roberta dense, left padding", weights, new AttentionPattern.Dense(), leftPadded);
    }

    // ---- sliding window

    @Test
    void slidingWindowWithoutGlobalTokens() throws OrtException {
        EncoderWeights weights = RandomEncoderWeights.bert(3).build();
        AttentionPattern pattern = new AttentionPattern.SlidingWindow(new int[] { 3, 5 }, null);
        assertMatchesReference("window, no global", weights, pattern, TokenBatch.random(13, new int[] { 37, 29 }, new int[][] { {}, {} }, 0));
    }

    @Test
    void slidingWindowWithClsGlobal() throws OrtException {
        TokenBatch inputs = TokenBatch.random(14, new int[] { 37, 30 }, new int[][] { { 0 }, { 0 } }, 0);
        AttentionPattern pattern = AttentionPattern.SlidingWindow.uniform(LAYERS, 4);
        assertMatchesReference("window + CLS, normal projections", RandomEncoderWeights.bert(4).withQaHead().build(), pattern, inputs);
        assertMatchesReference(
            "window + CLS, global projections",
            RandomEncoderWeights.bert(4).withQaHead().withGlobalProjections().build(),
            pattern,
            inputs
        );
    }

    @Test
    void slidingWindowWithManyGlobalTokens() throws OrtException {
        // different counts per sequence; position 35 of the second sequence is padding and must not become global
        TokenBatch inputs = TokenBatch.random(15, new int[] { 40, 31 }, new int[][] { { 0, 1, 2, 3, 4, 5, 6, 20, 33 }, { 0, 5, 6, 35 } }, 0);
        AttentionPattern pattern = new AttentionPattern.SlidingWindow(new int[] { 2, 4 }, null);
        assertMatchesReference("window + many globals, normal projections", RandomEncoderWeights.bert(5).build(), pattern, inputs);
        assertMatchesReference("window + many globals, global projections", RandomEncoderWeights.bert(5).withGlobalProjections().build(), pattern, inputs);
    }

    @Test
    void windowCoveringTheInputEqualsDense() throws OrtException {
        EncoderWeights weights = RandomEncoderWeights.bert(6).withQaHead().build();
        TokenBatch inputs = TokenBatch.random(16, new int[] { 30, 22 }, new int[][] { { 0 }, { 0 } }, 0);
        GraphOutputs window = run(EncoderGraphBuilder.build(weights, new AttentionPattern.SlidingWindow(new int[] { 30, 64 }, null), GraphOptions.STANDARD), inputs);
        GraphOutputs dense = run(EncoderGraphBuilder.build(weights, new AttentionPattern.Dense(), GraphOptions.STANDARD), inputs);
        double diff = maxHiddenDiff(window, dense, inputs);
        System.out.printf("window >= n vs dense graph: max diff %.2e%n", diff);
        assertTrue(diff <= TOLERANCE, "window >= n differs from dense by " + diff);
        assertMatchesReference("window >= n", weights, new AttentionPattern.SlidingWindow(new int[] { 30, 64 }, null), inputs);
    }

    @Test
    void dilatedHeads() throws OrtException {
        AttentionPattern pattern = new AttentionPattern.SlidingWindow(new int[] { 3, 2 }, new int[][] { { 1, 2, 1, 3 }, { 2, 1, 1, 1 } });
        TokenBatch inputs = TokenBatch.random(17, new int[] { 41, 34 }, new int[][] { { 0, 17 }, { 0 } }, 0);
        assertMatchesReference("dilation, normal projections", RandomEncoderWeights.bert(7).build(), pattern, inputs);
        assertMatchesReference("dilation, global projections", RandomEncoderWeights.bert(7).withGlobalProjections().build(), pattern, inputs);
        AttentionPattern allDilated = new AttentionPattern.SlidingWindow(new int[] { 2, 2 }, new int[][] { { 2, 2, 2, 2 }, { 3, 3, 3, 3 } });
        assertMatchesReference("dilation on every head", RandomEncoderWeights.bert(7).build(), allDilated, TokenBatch.random(18, new int[] { 25, 25 }, new int[][] { {}, { 3 } }, 0));
    }

    @Test
    void slidingWindowHasNoSequenceBySequenceMatMul() throws OrtException {
        EncoderWeights weights = RandomEncoderWeights.bert(8).build();
        int n = 150; // more than d and the feed-forward width, so only the sequence axes can be this long
        TokenBatch inputs = TokenBatch.random(19, new int[] { n, n }, new int[][] { { 0 }, { 0, 9 } }, 0);
        AttentionPattern window = new AttentionPattern.SlidingWindow(new int[] { 4, 4 }, new int[][] { { 1, 1, 2, 2 }, { 1, 1, 1, 1 } });
        assertEquals(List.of(), matMulsSpanningTheSequenceTwice(EncoderGraphBuilder.build(weights, window, GraphOptions.STANDARD), inputs, n));
        // the check does see the n×n scores of full attention
        assertFalse(matMulsSpanningTheSequenceTwice(EncoderGraphBuilder.build(weights, new AttentionPattern.Dense(), GraphOptions.STANDARD), inputs, n).isEmpty());
    }

    // ---- block sparse

    @Test
    void blockSparseHfEval() throws OrtException {
        AttentionPattern pattern = new AttentionPattern.BlockSparse(4, 2, 7, AttentionPattern.RandomBlocks.HF_EVAL);
        assertMatchesReference("block sparse HF_EVAL", RandomEncoderWeights.bert(9).withQaHead().build(), pattern, TokenBatch.random(20, new int[] { 50, 41 }, new int[][] { {}, {} }, 0));
    }

    @Test
    void blockSparseSeeded() throws OrtException {
        EncoderWeights weights = RandomEncoderWeights.bert(10).build();
        AttentionPattern pattern = new AttentionPattern.BlockSparse(4, 2, 7, AttentionPattern.RandomBlocks.SEEDED);
        assertMatchesReference("block sparse SEEDED r=2", weights, pattern, TokenBatch.random(21, new int[] { 50, 41 }, new int[][] { {}, {} }, 0));
        AttentionPattern three = new AttentionPattern.BlockSparse(4, 3, 99, AttentionPattern.RandomBlocks.SEEDED);
        assertMatchesReference("block sparse SEEDED r=3", weights, three, TokenBatch.random(22, new int[] { 64, 61 }, new int[][] { {}, {} }, 0));
        AttentionPattern none = new AttentionPattern.BlockSparse(8, 0, 1, AttentionPattern.RandomBlocks.SEEDED);
        assertMatchesReference("block sparse r=0", weights, none, TokenBatch.random(23, new int[] { 77, 70 }, new int[][] { {}, {} }, 0));
    }

    @Test
    void blockSparseFallsBackToFullAttentionOnShortInputs() throws OrtException {
        EncoderWeights weights = RandomEncoderWeights.bert(11).build();
        AttentionPattern pattern = new AttentionPattern.BlockSparse(4, 2, 7, AttentionPattern.RandomBlocks.HF_EVAL);
        byte[] sparse = EncoderGraphBuilder.build(weights, pattern, GraphOptions.STANDARD);
        byte[] dense = EncoderGraphBuilder.build(weights, new AttentionPattern.Dense(), GraphOptions.STANDARD);

        TokenBatch atThreshold = TokenBatch.random(24, new int[] { 36, 30 }, new int[][] { {}, {} }, 0); // (5 + 2r)·b = 36
        double diff = maxHiddenDiff(run(sparse, atThreshold), run(dense, atThreshold), atThreshold);
        System.out.printf("block sparse at n = (5+2r)b vs dense graph: max diff %.2e%n", diff);
        assertTrue(diff <= TOLERANCE, "n = 36 should take full attention, differs by " + diff);
        assertMatchesReference("block sparse fallback", weights, pattern, atThreshold);

        TokenBatch aboveThreshold = TokenBatch.random(25, new int[] { 37, 37 }, new int[][] { {}, {} }, 0);
        assertTrue(maxHiddenDiff(run(sparse, aboveThreshold), run(dense, aboveThreshold), aboveThreshold) > 1e-2, "n = 37 should be block sparse");
        assertMatchesReference("block sparse just above fallback", weights, pattern, aboveThreshold);
    }

    @Test
    void blockSparseHasNoSequenceBySequenceMatMul() throws OrtException {
        EncoderWeights weights = RandomEncoderWeights.bert(15).build();
        int n = 150;
        TokenBatch inputs = TokenBatch.random(26, new int[] { n, n - 7 }, new int[][] { {}, {} }, 0);
        for (AttentionPattern.RandomBlocks mode : AttentionPattern.RandomBlocks.values()) {
            byte[] model = EncoderGraphBuilder.build(weights, new AttentionPattern.BlockSparse(4, 2, 3, mode), GraphOptions.STANDARD);
            assertEquals(List.of(), matMulsSpanningTheSequenceTwice(model, inputs, n), mode.toString());
        }
    }

    @Test
    void seededLayoutIsReproducible() {
        EncoderWeights weights = RandomEncoderWeights.bert(12).build();
        byte[] first = EncoderGraphBuilder.build(weights, new AttentionPattern.BlockSparse(4, 2, 5, AttentionPattern.RandomBlocks.SEEDED), GraphOptions.STANDARD);
        byte[] again = EncoderGraphBuilder.build(weights, new AttentionPattern.BlockSparse(4, 2, 5, AttentionPattern.RandomBlocks.SEEDED), GraphOptions.STANDARD);
        byte[] otherSeed = EncoderGraphBuilder.build(weights, new AttentionPattern.BlockSparse(4, 2, 6, AttentionPattern.RandomBlocks.SEEDED), GraphOptions.STANDARD);
        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, otherSeed));
    }

    // ---- options and checks

    @Test
    void rejectsPatternsOfTheWrongDepth() {
        EncoderWeights weights = RandomEncoderWeights.bert(14).build();
        var e = assertThrows(
            IllegalArgumentException.class,
            () -> EncoderGraphBuilder.build(weights, AttentionPattern.SlidingWindow.uniform(3, 4), GraphOptions.STANDARD)
        );
        assertEquals("the sliding window needs one window per layer: 2 layers, got 3", e.getMessage());
    }

    @Test
    void namesAMisshapenWeight() {
        EncoderWeights good = RandomEncoderWeights.bert(16).build();
        LayerWeights layer = good.layers().get(1);
        Linear narrowKey = new Linear(FloatTensor.of(new float[64 * 32], 64, 32), FloatTensor.of(new float[32], 32));
        LayerWeights bad = new LayerWeights(
            layer.query(),
            narrowKey,
            layer.value(),
            layer.attentionOutput(),
            layer.attentionNorm(),
            layer.intermediate(),
            layer.output(),
            layer.outputNorm(),
            null,
            null,
            null
        );
        EncoderWeights weights = new EncoderWeights(
            good.config(),
            good.wordEmbeddings(),
            good.positionEmbeddings(),
            good.tokenTypeEmbeddings(),
            good.embeddingNorm(),
            List.of(good.layers().get(0), bad),
            null
        );
        var e = assertThrows(IllegalArgumentException.class, () -> EncoderGraphBuilder.build(weights, new AttentionPattern.Dense(), GraphOptions.STANDARD));
        assertEquals("[layer.1.key.weight] has shape [64, 32], expected [64, 64]", e.getMessage());
    }

    // ---- helpers

    private static void assertMatchesReference(String label, EncoderWeights weights, AttentionPattern pattern, TokenBatch inputs) throws OrtException {
        GraphOutputs graph = run(EncoderGraphBuilder.build(weights, pattern, GraphOptions.STANDARD), inputs);
        ReferenceEncoder.Output reference = new ReferenceEncoder(weights, pattern).run(inputs.ids(), inputs.mask(), inputs.global());
        double diff = GraphRuns.maxDiff(graph, reference, inputs);
        System.out.printf("%s: max |graph - reference| = %.2e%n", label, diff);
        assertTrue(diff <= TOLERANCE, label + ": graph differs from the reference by " + diff);
    }

    /**
     * Runs the graph with every MatMul output exposed and lists those with two axes of at least n. An If (block
     * sparse's short-input fallback) is replaced by its else branch, the one long inputs take.
     */
    private static List<String> matMulsSpanningTheSequenceTwice(byte[] model, TokenBatch inputs, int n) throws OrtException {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(model);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        GraphProto.Builder graph = proto.getGraph().toBuilder().clearNode();
        for (NodeProto node : proto.getGraph().getNodeList()) {
            if (node.getOpType().equals("If")) {
                GraphProto elseBranch = node.getAttributeList().stream().filter(a -> a.getName().equals("else_branch")).findFirst().orElseThrow().getG();
                graph.addAllNode(elseBranch.getNodeList());
                graph.addNode(NodeProto.newBuilder().setOpType("Identity").addInput(elseBranch.getOutput(0).getName()).addOutput(node.getOutput(0)));
            } else {
                graph.addNode(node);
            }
        }
        List<String> matMuls = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("MatMul")) {
                matMuls.add(node.getOutput(0));
                TypeProto.Tensor floatTensor = TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).build();
                graph.addOutput(ValueInfoProto.newBuilder().setName(node.getOutput(0)).setType(TypeProto.newBuilder().setTensorType(floatTensor)));
            }
        }
        byte[] exposed = proto.toBuilder().setGraph(graph).build().toByteArray();
        List<String> spanning = new ArrayList<>();
        Map<String, OnnxTensor> feeds = feeds(inputs);
        try (OrtSession session = session(exposed, false); OrtSession.Result result = session.run(feeds)) {
            for (String name : matMuls) {
                long[] shape = ((OnnxTensor) result.get(name).orElseThrow()).getInfo().getShape();
                if (Arrays.stream(shape).filter(dim -> dim >= n).count() >= 2) {
                    spanning.add(name + Arrays.toString(shape));
                }
            }
        } finally {
            OnnxValue.close(feeds);
        }
        return spanning;
    }
}
