package io.longdoc.graph.importer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import io.longdoc.graph.Activation;
import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderConfig;
import io.longdoc.graph.EncoderGraphBuilder;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.GraphRuns;
import io.longdoc.graph.GraphRuns.GraphOutputs;
import io.longdoc.graph.GraphRuns.TokenBatch;
import io.longdoc.graph.ReferenceEncoder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static io.longdoc.graph.GraphRuns.maxHiddenDiff;
import static io.longdoc.graph.GraphRuns.maxLogitDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end from a Hugging Face checkpoint folder: synthetic checkpoints of every supported model_type (seeded random
 * weights, config.json + model.safetensors) are imported with {@link HuggingFaceCheckpointImporter}, compiled with
 * {@link EncoderGraphBuilder}, run in ONNX Runtime and compared with the plain Java {@link ReferenceEncoder} on the same
 * imported weights and pattern, on a batch of two where one sequence is padded. Each case also checks that the
 * checkpoint's structure (position offset, token types, windows, global tokens, block sparsity, QA head) is really in
 * force, by changing it and watching the output move, or not.
 */
class CheckpointParityTests {

    private static final double TOLERANCE = 1e-4;
    /** What "the output changed" means: far above float noise. */
    private static final double CHANGED = 1e-2;
    /** What "the output did not change" means: the same computation on the real tokens, up to float noise. */
    private static final double SAME = 1e-6;

    @TempDir
    Path dir;

    @Test
    void bert() throws Exception {
        SyntheticCheckpoint hf = SyntheticCheckpoint.bert(101);
        ImportedModel model = HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve("bert")));
        assertEquals(new EncoderConfig("bert", 8, 2, 12, 2, 16, 0, 0, 1e-5f, Activation.GELU), model.weights().config());
        assertInstanceOf(AttentionPattern.Dense.class, model.pattern());
        TokenBatch batch = TokenBatch.random(201, new int[] { 16, 11 }, new int[][] { {}, {} }, 0, hf.vocab);
        Outputs base = assertParity("bert", model, batch);

        // token_type_ids are all 0: row 1 of the token-type table is never read, row 0 always is
        float[] types = hf.tensors.get("bert.embeddings.token_type_embeddings.weight");
        shift(types, hf.hidden, 1);
        Outputs row1 = assertParity("bert, token type row 1 changed", importFolder(hf, "bert-type1"), batch);
        assertSame("token type row 1 (never read)", base, row1, batch);
        shift(types, hf.hidden, 0);
        Outputs row0 = assertParity("bert, token type row 0 changed", importFolder(hf, "bert-type0"), batch);
        assertChanged("token type row 0 (added to every token)", base, row0, batch);
    }

    @Test
    void roberta() throws Exception {
        SyntheticCheckpoint hf = SyntheticCheckpoint.roberta(102);
        ImportedModel model = HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve("roberta")));
        assertEquals(new EncoderConfig("roberta", 8, 2, 12, 2, 18, 2, 1, 1e-5f, Activation.GELU), model.weights().config());
        assertInstanceOf(AttentionPattern.Dense.class, model.pattern());
        TokenBatch batch = TokenBatch.random(202, new int[] { 16, 9 }, new int[][] { {}, {} }, 1, hf.vocab);
        Outputs base = assertParity("roberta", model, batch);

        // positions count from padding_idx + 1 = 2: rows 0 and 1 never reach a real token, row 2 (the first token) does
        float[] positions = hf.tensors.get("roberta.embeddings.position_embeddings.weight");
        shift(positions, hf.hidden, 0);
        shift(positions, hf.hidden, 1);
        Outputs rows01 = assertParity("roberta, position rows 0-1 changed", importFolder(hf, "roberta-pos01"), batch);
        assertSame("position rows 0-1 (below the offset)", base, rows01, batch);
        shift(positions, hf.hidden, 2);
        Outputs row2 = assertParity("roberta, position row 2 changed", importFolder(hf, "roberta-pos2"), batch);
        assertChanged("position row 2 (the first token's)", base, row2, batch);
    }

    @Test
    void longformer() throws Exception {
        SyntheticCheckpoint hf = SyntheticCheckpoint.longformer(103).with("attention_window", List.of(4, 6));
        ImportedModel model = HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve("longformer")));
        assertEquals(2, model.weights().config().positionOffset());
        AttentionPattern.SlidingWindow window = assertInstanceOf(AttentionPattern.SlidingWindow.class, model.pattern());
        assertArrayEquals(new int[] { 2, 3 }, window.windows());
        model.weights().layers().forEach(layer -> assertTrue(layer.hasGlobalProjections()));
        // n = 32, the table's limit; globals: CLS in both, a question-like run in the first, one inside the padding
        // of the second (not real, so not global)
        TokenBatch batch = TokenBatch.random(203, new int[] { 32, 23 }, new int[][] { { 0, 1, 2, 17 }, { 0, 5, 27 } }, 1, hf.vocab);
        Outputs base = assertParity("longformer w=[2,3]", model, batch);

        // the checkpoint's windows are in force: wider windows on the same weights give another output
        hf.with("attention_window", List.of(12, 20));
        ImportedModel wider = importFolder(hf, "longformer-wide");
        assertArrayEquals(new int[] { 6, 10 }, ((AttentionPattern.SlidingWindow) wider.pattern()).windows());
        Outputs wide = assertParity("longformer w=[6,10]", wider, batch);
        assertChanged("attention_window [4,6] -> [12,20]", base, wide, batch);

        // the global tokens are in force, and go through query_global/key_global/value_global
        Outputs noGlobals = assertParity("longformer, no global tokens", model, batch.withoutGlobals());
        assertChanged("global tokens removed", base, noGlobals, batch);
        for (String projection : List.of("query_global", "key_global", "value_global")) {
            shift(hf.tensors.get("longformer.encoder.layer.0.attention.self." + projection + ".bias"), hf.hidden, 0);
        }
        hf.with("attention_window", List.of(4, 6));
        Outputs otherGlobal = assertParity("longformer, global projections changed", importFolder(hf, "longformer-global"), batch);
        assertChanged("layer 0 query/key/value_global biases changed", base, otherGlobal, batch);
    }

    /** block_size 16, 2 random blocks: full attention up to (5 + 2·2)·16 = 144 tokens, block sparse beyond. */
    @Test
    void bigBird() throws Exception {
        SyntheticCheckpoint hf = SyntheticCheckpoint.bigBird(104, 192).with("attention_type", "block_sparse").with("block_size", 16).with("num_random_blocks", 2);
        ImportedModel model = HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve("big_bird")));
        assertEquals(new AttentionPattern.BlockSparse(16, 2, 0L, AttentionPattern.RandomBlocks.HF_EVAL), model.pattern());
        ImportedModel dense = new ImportedModel(model.weights(), new AttentionPattern.Dense());

        TokenBatch sparse = TokenBatch.random(204, new int[] { 160, 141 }, new int[][] { {}, {} }, 0, hf.vocab);
        Outputs blockSparse = assertParity("big_bird n=160 (block sparse)", model, sparse);
        assertChanged("n=160 vs dense graph (block sparse in force)", blockSparse, run(dense, sparse), sparse);

        TokenBatch full = TokenBatch.random(205, new int[] { 128, 100 }, new int[][] { {}, {} }, 0, hf.vocab);
        Outputs fallback = assertParity("big_bird n=128 (full-attention fallback)", model, full);
        assertSame("n=128 vs dense graph (full-attention fallback)", fallback, run(dense, full), full);
    }

    /**
     * big_bird's hidden_act, gelu_new by default (google/bigbird-roberta-base), is the tanh approximation: the graph
     * matches a gelu_new reference to 1e-5 and is clearly away from an erf-GELU one, so that erf GELU standing in for
     * it in the importer, the builder or the reference fails here.
     */
    @Test
    void bigBirdComputesGeluNew() throws Exception {
        SyntheticCheckpoint hf = SyntheticCheckpoint.bigBird(106, 192).with("block_size", 16).with("num_random_blocks", 2);
        hf.config.remove("hidden_act");
        ImportedModel model = importFolder(hf, "big_bird-default-act");
        assertEquals(Activation.GELU_NEW, model.weights().config().activation(), "big_bird's default hidden_act");
        assertEquals(Activation.GELU_NEW, importFolder(hf.with("hidden_act", "gelu_new"), "big_bird-gelu_new").weights().config().activation());
        assertEquals(Activation.GELU, importFolder(hf.with("hidden_act", "gelu"), "big_bird-gelu").weights().config().activation());

        EncoderWeights erfWeights = model.weights().withPositions(model.weights().config().withActivation(Activation.GELU), model.weights().positionEmbeddings());
        for (TokenBatch batch : List.of(
            TokenBatch.random(207, new int[] { 160, 141 }, new int[][] { {}, {} }, 0, hf.vocab), // block sparse
            TokenBatch.random(208, new int[] { 40, 23 }, new int[][] { {}, {} }, 0, hf.vocab) // full-attention fallback
        )) {
            GraphOutputs graph = run(model, batch).graph();
            double toGeluNew = maxHiddenDiff(graph, new ReferenceEncoder(model.weights(), model.pattern()).run(batch.ids(), batch.mask(), batch.global()), batch);
            double toErf = maxHiddenDiff(graph, new ReferenceEncoder(erfWeights, model.pattern()).run(batch.ids(), batch.mask(), batch.global()), batch);
            int n = batch.ids()[0].length;
            System.out.printf("big_bird gelu_new, n=%d: max |onnx - gelu_new reference| %.2e, max |onnx - erf gelu reference| %.2e%n", n, toGeluNew, toErf);
            assertTrue(toGeluNew <= 1e-5, "n=" + n + ": differs from the gelu_new reference by " + toGeluNew);
            assertTrue(toErf > 1e-4, "n=" + n + ": within " + toErf + " of erf GELU");
        }
    }

    /** LongformerForQuestionAnswering-style: qa_outputs beside the encoder, the question tokens global. */
    @Test
    void questionAnsweringHead() throws Exception {
        SyntheticCheckpoint hf = SyntheticCheckpoint.longformer(105).with("attention_window", List.of(6, 4)).withQaHead();
        ImportedModel model = HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve("qa")));
        assertNotNull(model.weights().qaOutputs());
        assertArrayEquals(new int[] { 8, 2 }, model.weights().qaOutputs().weight().shape());
        TokenBatch batch = TokenBatch.random(206, new int[] { 30, 19 }, new int[][] { { 0, 1, 2, 3 }, { 0, 1, 2 } }, 1, hf.vocab);
        Outputs outputs = assertParity("longformer + qa_outputs", model, batch);
        assertArrayEquals(new long[] { 2, 30 }, outputs.startShape());
        assertArrayEquals(new long[] { 2, 30 }, outputs.endShape());

        // without the head there are no logits
        hf.remove("qa_outputs.weight");
        hf.remove("qa_outputs.bias");
        Outputs headless = assertParity("longformer without qa_outputs", importFolder(hf, "no-qa"), batch);
        assertNull(headless.graph().startLogits());
        assertSame("qa_outputs removed (encoder unchanged)", outputs, headless, batch);
    }

    // ---- helpers

    private ImportedModel importFolder(SyntheticCheckpoint hf, String name) throws IOException {
        return HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve(name)));
    }

    /**
     * Changes row {@code row} of a [rows, width] table (or a vector, row 0) by +2 on even and −2 on odd channels: not a
     * constant offset, which the embedding LayerNorm would subtract away.
     */
    private static void shift(float[] values, int width, int row) {
        for (int c = 0; c < width; c++) {
            values[row * width + c] += c % 2 == 0 ? 2 : -2;
        }
    }

    /** A run's outputs and the shapes ONNX Runtime reports for its span logits (null without a QA head). */
    private record Outputs(GraphOutputs graph, long[] startShape, long[] endShape) {}

    /**
     * Builds the imported model's graph, runs it in ONNX Runtime and checks last_hidden_state (and the span logits
     * when there is a head) against the reference on every real token.
     */
    private static Outputs assertParity(String label, ImportedModel model, TokenBatch batch) throws OrtException {
        Outputs graph = run(model, batch);
        ReferenceEncoder.Output reference = new ReferenceEncoder(model.weights(), model.pattern()).run(batch.ids(), batch.mask(), batch.global());
        assertEquals(reference.startLogits() == null, graph.graph().startLogits() == null, label + ": logits in one and not the other");
        double hiddenDiff = maxHiddenDiff(graph.graph(), reference, batch);
        double logitDiff = maxLogitDiff(graph.graph(), reference, batch);
        if (reference.startLogits() == null) {
            System.out.printf("%s: max |onnx - reference| hidden %.2e%n", label, hiddenDiff);
        } else {
            System.out.printf("%s: max |onnx - reference| hidden %.2e, logits %.2e%n", label, hiddenDiff, logitDiff);
        }
        assertTrue(hiddenDiff <= TOLERANCE, label + ": last_hidden_state differs from the reference by " + hiddenDiff);
        assertTrue(logitDiff <= TOLERANCE, label + ": span logits differ from the reference by " + logitDiff);
        return graph;
    }

    private static void assertChanged(String what, Outputs a, Outputs b, TokenBatch batch) {
        double diff = maxHiddenDiff(a.graph(), b.graph(), batch);
        System.out.printf("  %s: output moved by %.2e%n", what, diff);
        assertTrue(diff > CHANGED, what + ": the output should change, max abs difference " + diff);
    }

    private static void assertSame(String what, Outputs a, Outputs b, TokenBatch batch) {
        double diff = maxHiddenDiff(a.graph(), b.graph(), batch);
        System.out.printf("  %s: output moved by %.2e%n", what, diff);
        assertTrue(diff <= SAME, what + ": the output should not change, max abs difference " + diff);
    }

    private static Outputs run(ImportedModel model, TokenBatch batch) throws OrtException {
        byte[] graph = EncoderGraphBuilder.build(model.weights(), model.pattern(), GraphOptions.STANDARD);
        try (OrtSession session = GraphRuns.session(graph, false)) {
            return GraphRuns.run(session, batch, result -> {
                OnnxTensor start = (OnnxTensor) result.get("start_logits").orElse(null);
                OnnxTensor end = (OnnxTensor) result.get("end_logits").orElse(null);
                return new Outputs(
                    GraphRuns.outputs(result),
                    start == null ? null : start.getInfo().getShape(),
                    end == null ? null : end.getInfo().getShape()
                );
            });
        }
    }
}
