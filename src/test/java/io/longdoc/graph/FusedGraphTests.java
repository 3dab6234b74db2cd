package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import io.longdoc.TestModels;
import io.longdoc.graph.GraphRuns.GraphOutputs;
import io.longdoc.graph.GraphRuns.TokenBatch;
import io.longdoc.graph.importer.Longify;
import io.longdoc.graph.importer.OnnxExportImporter;
import io.longdoc.text.Tokenizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.longdoc.graph.GraphRuns.maxDiff;
import static io.longdoc.graph.GraphRuns.run;
import static io.longdoc.graph.GraphRuns.runFused;
import static io.longdoc.graph.GraphRuns.session;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Graphs built with {@code GraphOptions.fused()}: one {@code longdoc.SparseAttention} node per layer, run in ONNX
 * Runtime with the built onnx-ops library, against the plain Java {@link ReferenceEncoder} and against the
 * standard-op graph of the same weights and pattern. Only real-token rows are compared: the op zeroes the attention
 * context of padding rows, the standard graph does not, and the builder leaves those rows unspecified.
 */
class FusedGraphTests {

    private static final double TOLERANCE = 1e-4;
    private static final int LAYERS = RandomEncoderWeights.LAYERS;
    private static final GraphOptions FUSED = new GraphOptions(true);

    @BeforeAll
    static void findLibrary() {
        // Missing library = failure, never a skip: these tests are the only check that the two halves fit together.
        Path library = GraphRuns.opsLibrary();
        if (Files.isRegularFile(library) == false) {
            fail("the longdoc ops library is not built: missing [" + library + "]. Build it with "
                + "`cmake -S onnx-ops -B onnx-ops/target -DCMAKE_BUILD_TYPE=Release && cmake --build onnx-ops/target -j2` "
                + "(or point -D" + GraphRuns.OPS_LIBRARY_PROPERTY + " at a built liblongdoc_ops.so)");
        }
    }

    // ---- sliding window

    @Test
    void slidingWindowWithClsGlobal() throws OrtException {
        TokenBatch inputs = TokenBatch.random(14, new int[] { 37, 30 }, new int[][] { { 0 }, { 0 } }, 0);
        assertFusedMatches("window + CLS", RandomEncoderWeights.bert(4).withQaHead().build(), AttentionPattern.SlidingWindow.uniform(LAYERS, 4), inputs);
    }

    @Test
    void slidingWindowWithGlobalProjections() throws OrtException {
        TokenBatch inputs = TokenBatch.random(14, new int[] { 37, 30 }, new int[][] { { 0 }, { 0, 29 } }, 0);
        EncoderWeights weights = RandomEncoderWeights.bert(4).withQaHead().withGlobalProjections().build();
        assertFusedMatches("window + CLS, global projections", weights, AttentionPattern.SlidingWindow.uniform(LAYERS, 4), inputs);
    }

    @Test
    void slidingWindowWithManyGlobalTokens() throws OrtException {
        // different counts per sequence; position 35 of the second sequence is padding and must not become global
        TokenBatch inputs = TokenBatch.random(15, new int[] { 40, 31 }, new int[][] { { 0, 1, 2, 3, 4, 5, 6, 20, 33 }, { 0, 5, 6, 35 } }, 0);
        AttentionPattern pattern = new AttentionPattern.SlidingWindow(new int[] { 2, 4 }, null);
        assertFusedMatches("window + many globals", RandomEncoderWeights.bert(5).build(), pattern, inputs);
        assertFusedMatches("window + many globals, global projections", RandomEncoderWeights.bert(5).withGlobalProjections().build(), pattern, inputs);
    }

    @Test
    void slidingWindowWithoutGlobalTokens() throws OrtException {
        TokenBatch inputs = TokenBatch.random(13, new int[] { 37, 29 }, new int[][] { {}, {} }, 0);
        assertFusedMatches("window, no global", RandomEncoderWeights.bert(3).build(), new AttentionPattern.SlidingWindow(new int[] { 3, 5 }, null), inputs);
    }

    @Test
    void dilationOnSomeHeads() throws OrtException {
        AttentionPattern pattern = new AttentionPattern.SlidingWindow(new int[] { 3, 2 }, new int[][] { { 1, 2, 1, 3 }, { 2, 1, 1, 1 } });
        TokenBatch inputs = TokenBatch.random(17, new int[] { 41, 34 }, new int[][] { { 0, 17 }, { 0 } }, 0);
        assertFusedMatches("dilation", RandomEncoderWeights.bert(7).build(), pattern, inputs);
        assertFusedMatches("dilation, global projections", RandomEncoderWeights.bert(7).withGlobalProjections().build(), pattern, inputs);
    }

    @Test
    void paddingInABatchOfTwo() throws OrtException {
        // the second sequence is mostly padding; its padded tail is marked global and carries odd mask values, which
        // the standard graph reads as "non-zero" and the fused graph must too (the op itself accepts only 0 and 1)
        TokenBatch inputs = TokenBatch.random(27, new int[] { 70, 12 }, new int[][] { { 0, 69 }, { 0, 40 } }, 1);
        inputs.global()[0][10] = 7;
        inputs.mask()[0][3] = 2;
        EncoderWeights weights = RandomEncoderWeights.bert(17).withQaHead().withGlobalProjections().build();
        assertFusedMatches("padding in a batch of 2", weights, new AttentionPattern.SlidingWindow(new int[] { 5, 3 }, new int[][] { { 1, 1, 2, 2 }, { 1, 3, 1, 1 } }), inputs);
    }

    @Test
    void windowCoveringTheInput() throws OrtException {
        TokenBatch inputs = TokenBatch.random(16, new int[] { 30, 22 }, new int[][] { { 0 }, { 0 } }, 0);
        AttentionPattern pattern = new AttentionPattern.SlidingWindow(new int[] { 30, 64 }, null);
        EncoderWeights weights = RandomEncoderWeights.bert(6).withQaHead().build();
        assertFusedMatches("window >= n", weights, pattern, inputs);
        double diff = maxDiff(runFused(EncoderGraphBuilder.build(weights, pattern, FUSED), inputs), run(EncoderGraphBuilder.build(weights, new AttentionPattern.Dense(), GraphOptions.STANDARD), inputs), inputs);
        System.out.printf("fused window >= n vs dense graph: max diff %.2e%n", diff);
        assertTrue(diff <= TOLERANCE, "fused window >= n differs from dense by " + diff);
    }

    // ---- block sparse

    @Test
    void blockSparseSeeded() throws OrtException {
        EncoderWeights weights = RandomEncoderWeights.bert(10).build();
        assertFusedMatches("block sparse SEEDED r=2", weights, blockSparse(4, 2, 7, AttentionPattern.RandomBlocks.SEEDED), TokenBatch.random(21, new int[] { 50, 41 }, new int[][] { {}, {} }, 0));
        assertFusedMatches("block sparse SEEDED r=3", weights, blockSparse(4, 3, 99, AttentionPattern.RandomBlocks.SEEDED), TokenBatch.random(22, new int[] { 64, 61 }, new int[][] { {}, {} }, 0));
        assertFusedMatches("block sparse SEEDED r=0", weights, blockSparse(8, 0, 1, AttentionPattern.RandomBlocks.SEEDED), TokenBatch.random(23, new int[] { 77, 70 }, new int[][] { {}, {} }, 0));
    }

    @Test
    void blockSparseHfEval() throws OrtException {
        EncoderWeights weights = RandomEncoderWeights.bert(9).withQaHead().build();
        assertFusedMatches("block sparse HF_EVAL", weights, blockSparse(4, 2, 7, AttentionPattern.RandomBlocks.HF_EVAL), TokenBatch.random(20, new int[] { 50, 41 }, new int[][] { {}, {} }, 0));
        // n not a multiple of b: the last block is padded
        assertFusedMatches("block sparse HF_EVAL r=3", weights, blockSparse(4, 3, 7, AttentionPattern.RandomBlocks.HF_EVAL), TokenBatch.random(28, new int[] { 47, 47 }, new int[][] { {}, {} }, 0));
    }

    @Test
    void blockSparseJustAboveTheFallback() throws OrtException {
        EncoderWeights weights = RandomEncoderWeights.bert(11).build();
        TokenBatch inputs = TokenBatch.random(25, new int[] { 37, 37 }, new int[][] { {}, {} }, 0); // (5 + 2r)·b = 36
        for (AttentionPattern.RandomBlocks mode : AttentionPattern.RandomBlocks.values()) {
            AttentionPattern pattern = blockSparse(4, 2, 7, mode);
            assertFusedMatches("block sparse " + mode + " at n = 37", weights, pattern, inputs);
            GraphOutputs dense = run(EncoderGraphBuilder.build(weights, new AttentionPattern.Dense(), GraphOptions.STANDARD), inputs);
            assertTrue(maxDiff(runFused(EncoderGraphBuilder.build(weights, pattern, FUSED), inputs), dense, inputs) > 1e-2, mode + ": n = 37 should be block sparse");
        }
    }

    @Test
    void blockSparseFallsBackToFullAttentionOnShortInputs() throws OrtException {
        EncoderWeights weights = RandomEncoderWeights.bert(11).build();
        byte[] dense = EncoderGraphBuilder.build(weights, new AttentionPattern.Dense(), GraphOptions.STANDARD);
        TokenBatch atThreshold = TokenBatch.random(24, new int[] { 36, 30 }, new int[][] { {}, {} }, 0);
        // B = 2 < r = 3: no layout could be drawn, and none is needed
        TokenBatch tiny = TokenBatch.random(29, new int[] { 6, 2 }, new int[][] { {}, {} }, 0);
        for (AttentionPattern.RandomBlocks mode : AttentionPattern.RandomBlocks.values()) {
            AttentionPattern pattern = blockSparse(4, 2, 7, mode);
            assertFusedMatches("block sparse " + mode + " fallback at n = (5+2r)b", weights, pattern, atThreshold);
            double diff = maxDiff(runFused(EncoderGraphBuilder.build(weights, pattern, FUSED), atThreshold), run(dense, atThreshold), atThreshold);
            System.out.printf("fused block sparse %s at n = (5+2r)b vs dense graph: max diff %.2e%n", mode, diff);
            assertTrue(diff <= TOLERANCE, mode + ": n = 36 should take full attention, differs by " + diff);
            assertFusedMatches("block sparse " + mode + " fallback, B < r", weights, blockSparse(4, 3, 7, mode), tiny);
        }
    }

    // ---- graph structure

    @Test
    void oneSparseAttentionNodePerLayerAndNoScoreMatMul() {
        EncoderWeights weights = RandomEncoderWeights.bert(8).withGlobalProjections().build();
        List<AttentionPattern> patterns = List.of(
            new AttentionPattern.SlidingWindow(new int[] { 4, 4 }, new int[][] { { 1, 1, 2, 2 }, { 1, 1, 1, 1 } }),
            blockSparse(4, 2, 3, AttentionPattern.RandomBlocks.SEEDED),
            blockSparse(4, 2, 3, AttentionPattern.RandomBlocks.HF_EVAL)
        );
        for (AttentionPattern pattern : patterns) {
            ModelProto fused = parse(EncoderGraphBuilder.build(weights, pattern, FUSED));
            List<NodeProto> nodes = allNodes(fused.getGraph());
            List<NodeProto> sparse = nodes.stream().filter(node -> node.getOpType().equals("SparseAttention")).toList();
            assertEquals(LAYERS, sparse.size(), pattern + ": SparseAttention nodes");
            assertTrue(sparse.stream().allMatch(node -> node.getDomain().equals("longdoc")), pattern + ": domain");
            assertTrue(imports(fused, "longdoc", 1), pattern + ": the model imports longdoc version 1");
            assertEquals(List.of(), scoreMatMuls(fused), pattern + ": MatMuls that are not a linear layer");
            assertFalse(nodes.stream().anyMatch(node -> node.getOpType().equals("Softmax")), pattern + ": Softmax left in the fused graph");
            // the check does see the attention-score MatMuls of the standard graph
            assertFalse(scoreMatMuls(parse(EncoderGraphBuilder.build(weights, pattern, GraphOptions.STANDARD))).isEmpty());
        }
    }

    @Test
    void fusedNodeAttributesFollowThePattern() {
        EncoderWeights weights = RandomEncoderWeights.bert(8).withGlobalProjections().build();
        AttentionPattern window = new AttentionPattern.SlidingWindow(new int[] { 4, 6 }, new int[][] { { 1, 1, 2, 2 }, { 3, 1, 1, 1 } });
        List<NodeProto> nodes = sparseAttentionNodes(EncoderGraphBuilder.build(weights, window, FUSED));
        assertEquals(6L, attribute(nodes.get(1), "window").getI());
        assertEquals(List.of(3L, 1L, 1L, 1L), attribute(nodes.get(1), "dilation").getIntsList());
        assertEquals(8, nodes.get(0).getInputCount(), "query..value_global: the layer's global projections go in");

        List<NodeProto> seeded = sparseAttentionNodes(EncoderGraphBuilder.build(weights, blockSparse(4, 2, 3, AttentionPattern.RandomBlocks.SEEDED), FUSED));
        assertEquals("seeded", attribute(seeded.get(0), "random_mode").getS().toStringUtf8());
        assertEquals(9, seeded.get(0).getInputCount());
        assertEquals(List.of("", "", "", ""), seeded.get(0).getInputList().subList(4, 8));
        List<NodeProto> hfEval = sparseAttentionNodes(EncoderGraphBuilder.build(weights, blockSparse(4, 2, 3, AttentionPattern.RandomBlocks.HF_EVAL), FUSED));
        assertEquals("hf_eval", attribute(hfEval.get(0), "random_mode").getS().toStringUtf8());
        assertEquals(4, hfEval.get(0).getInputCount());
    }

    @Test
    void denseStaysStandardWhenFused() {
        EncoderWeights weights = RandomEncoderWeights.bert(13).build();
        byte[] fused = EncoderGraphBuilder.build(weights, new AttentionPattern.Dense(), FUSED);
        assertArrayEquals(EncoderGraphBuilder.build(weights, new AttentionPattern.Dense(), GraphOptions.STANDARD), fused);
        assertFalse(imports(parse(fused), "longdoc", 1));
    }

    // ---- a real model

    /**
     * The default model — bge-small longified to 16,384 tokens, window 256, [CLS] global — on real State of the Union
     * text of 2k, 4k and 16k tokens: the fused graph reproduces the standard one.
     */
    @Test
    void defaultModelOnLongRealText() throws Exception {
        EncoderWeights weights = Longify.longify(OnnxExportImporter.read(TestModels.bgeOnnx()), 16384, 256).weights();
        AttentionPattern pattern = AttentionPattern.SlidingWindow.uniform(weights.config().numLayers(), 256);
        byte[] standardGraph = EncoderGraphBuilder.build(weights, pattern, GraphOptions.STANDARD);
        byte[] fusedGraph = EncoderGraphBuilder.build(weights, pattern, FUSED);
        weights = null;
        try (OrtSession standardSession = session(standardGraph, false); OrtSession fusedSession = session(fusedGraph, true)) {
            for (int n : new int[] { 2000, 4096, 16384 }) {
                TokenBatch inputs = TokenBatch.text(realTokens(n));
                double diff = maxDiff(run(fusedSession, inputs), run(standardSession, inputs), inputs);
                System.out.printf("bge-small (default model), n = %d: max |fused - standard| = %.2e%n", n, diff);
                assertTrue(diff <= TOLERANCE, "n = " + n + ": fused differs from standard by " + diff);
            }
        }
    }

    /** The first {@code count} tokens of the sotu addresses read in order, ending with a [SEP]. */
    static long[] realTokens(int count) throws Exception {
        StringBuilder text = new StringBuilder();
        try (BufferedReader reader = io.longdoc.corpus.Corpus.open(io.longdoc.corpus.Corpus.sotu())) {
            // about 1.3 tokens a word: read addresses until there are surely enough
            for (String line; text.length() < count * 8L && (line = reader.readLine()) != null;) {
                Map<String, Object> doc = org.elasticsearch.common.xcontent.XContentHelper.convertToMap(
                    org.elasticsearch.xcontent.XContentType.JSON.xContent(),
                    line,
                    false
                );
                text.append(doc.get("text")).append("\n\n");
            }
        }
        try (Tokenizer tokenizer = Tokenizer.load(TestModels.bgeTokenizer())) {
            long[] ids = tokenizer.tokenize(text.toString()).ids();
            assertTrue(ids.length >= count, "the text has only " + ids.length + " tokens");
            long[] prefix = Arrays.copyOf(ids, count);
            prefix[count - 1] = ids[ids.length - 1];
            return prefix;
        }
    }

    // ---- helpers

    private static AttentionPattern.BlockSparse blockSparse(int blockSize, int randomBlocks, long seed, AttentionPattern.RandomBlocks mode) {
        return new AttentionPattern.BlockSparse(blockSize, randomBlocks, seed, mode);
    }

    /** The fused graph against the reference encoder and against the standard-op graph, on real-token rows. */
    private static void assertFusedMatches(String label, EncoderWeights weights, AttentionPattern pattern, TokenBatch inputs) throws OrtException {
        GraphOutputs fused = runFused(EncoderGraphBuilder.build(weights, pattern, FUSED), inputs);
        GraphOutputs standard = run(EncoderGraphBuilder.build(weights, pattern, GraphOptions.STANDARD), inputs);
        ReferenceEncoder.Output reference = new ReferenceEncoder(weights, pattern).run(inputs.ids(), inputs.mask(), inputs.global());
        double toReference = maxDiff(fused, reference, inputs);
        double toStandard = maxDiff(fused, standard, inputs);
        System.out.printf("%s: max |fused - reference| = %.2e, max |fused - standard| = %.2e%n", label, toReference, toStandard);
        assertTrue(toReference <= TOLERANCE, label + ": fused graph differs from the reference by " + toReference);
        assertTrue(toStandard <= TOLERANCE, label + ": fused graph differs from the standard graph by " + toStandard);
    }

    private static ModelProto parse(byte[] model) {
        try {
            return ModelProto.parseFrom(model);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean imports(ModelProto model, String domain, long version) {
        return model.getOpsetImportList().stream().anyMatch(o -> o.getDomain().equals(domain) && o.getVersion() == version);
    }

    /** The graph's nodes and, recursively, those of the If branches. */
    private static List<NodeProto> allNodes(GraphProto graph) {
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            nodes.add(node);
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasG()) {
                    nodes.addAll(allNodes(attribute.getG()));
                }
            }
        }
        return nodes;
    }

    /** MatMuls whose right-hand side is computed rather than a weight: attention scores or probabilities · values. */
    private static List<String> scoreMatMuls(ModelProto model) {
        Set<String> initializers = new HashSet<>();
        for (TensorProto tensor : model.getGraph().getInitializerList()) {
            initializers.add(tensor.getName());
        }
        return allNodes(model.getGraph()).stream()
            .filter(node -> node.getOpType().equals("MatMul") && initializers.contains(node.getInput(1)) == false)
            .map(NodeProto::getName)
            .toList();
    }

    private static List<NodeProto> sparseAttentionNodes(byte[] model) {
        return allNodes(parse(model).getGraph()).stream().filter(node -> node.getOpType().equals("SparseAttention")).toList();
    }

    private static AttributeProto attribute(NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().orElseThrow();
    }
}
