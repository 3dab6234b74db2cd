package io.longdoc.graph.importer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import io.longdoc.TestModels;
import io.longdoc.graph.EncoderGraphBuilder;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.GraphOptions;
import io.longdoc.text.Tokenizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Longformer warm start must not change what the model computes while the input fits the window: the real
 * MiniLM and bge-small exports, imported, longified to 4,096 tokens with a sliding window and compiled by
 * {@link EncoderGraphBuilder}, reproduce the original export's last_hidden_state on real sentences.
 */
class LongifyParityTests {

    private static final int TARGET_TOKENS = 4096;
    private static final int WINDOW = 128;
    private static final float TOLERANCE = 1e-4f;

    private static final List<String> SENTENCES = List.of(
        "The pass key is 12345. Remember it.",
        "Union and liberty, now and forever, one and inseparable!",
        "Longformer extends BERT-style encoders to long documents: a sliding window of local attention, plus a few global "
            + "tokens such as [CLS] that see (and are seen by) every position, keeps the cost linear in the length.",
        "In 1865 the river rose above the old stone bridge at Châteauneuf; the mayor's ledger, kept in the town hall since "
            + "then, records 412 houses flooded, 37 barns lost and not a single life, which the parish attributed to the bells "
            + "rung through the night from the church of Saint-Martin, audible, it is said, eleven kilometres downstream."
    );

    private static OrtEnvironment environment;

    @BeforeAll
    static void environment() {
        environment = OrtEnvironment.getEnvironment();
    }

    @Test
    void miniLm() throws Exception {
        check(TestModels.miniLmOnnx(), TestModels.miniLmTokenizer());
    }

    @Test
    void bgeSmall() throws Exception {
        check(TestModels.bgeOnnx(), TestModels.bgeTokenizer());
    }

    private static void check(Path onnx, Path tokenizerJson) throws Exception {
        EncoderWeights original = OnnxExportImporter.read(onnx);
        ImportedModel longified = Longify.longify(original, TARGET_TOKENS, WINDOW);
        assertEquals(TARGET_TOKENS, longified.weights().config().maxPositions());
        byte[] graph = EncoderGraphBuilder.build(longified.weights(), longified.pattern(), GraphOptions.STANDARD);

        try (
            Tokenizer tokenizer = Tokenizer.load(tokenizerJson);
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        ) {
            options.setIntraOpNumThreads(2);
            try (OrtSession reference = environment.createSession(onnx.toString(), options); OrtSession longModel = environment.createSession(graph, options)) {
                long[][] batch = new long[SENTENCES.size()][];
                for (int s = 0; s < SENTENCES.size(); s++) {
                    long[] ids = tokenizer.tokenize(SENTENCES.get(s)).ids();
                    assertTrue(ids.length <= WINDOW, "sentence " + s + " has " + ids.length + " tokens, more than the window");
                    batch[s] = ids;
                    float[][] expected = run(reference, new long[][] { ids }, false)[0];
                    float[][] actual = run(longModel, new long[][] { ids }, true)[0];
                    assertClose(expected, actual, ids.length, onnx.getFileName() + " sentence " + s);
                }
                // All sentences as one padded batch: the real tokens' rows still match.
                float[][][] expected = run(reference, batch, false);
                float[][][] actual = run(longModel, batch, true);
                for (int s = 0; s < batch.length; s++) {
                    assertClose(expected[s], actual[s], batch[s].length, onnx.getFileName() + " batched sentence " + s);
                }
            }
        }
    }

    /**
     * The window is really in force: with w = n − 1 every key is still in reach (|i − j| ≤ w) and the outputs
     * match; with a quarter of that they must not.
     */
    @Test
    void windowEdgeOnMiniLm() throws Exception {
        Path onnx = TestModels.miniLmOnnx();
        EncoderWeights original = OnnxExportImporter.read(onnx);
        try (Tokenizer tokenizer = Tokenizer.load(TestModels.miniLmTokenizer()); OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            long[] ids = tokenizer.tokenize(SENTENCES.get(SENTENCES.size() - 1)).ids();
            int n = ids.length;
            try (OrtSession reference = environment.createSession(onnx.toString(), options)) {
                float[][] expected = run(reference, new long[][] { ids }, false)[0];
                for (int window : new int[] { n - 1, n / 4 }) {
                    ImportedModel longified = Longify.longify(original, 1024, window);
                    byte[] graph = EncoderGraphBuilder.build(longified.weights(), longified.pattern(), GraphOptions.STANDARD);
                    try (OrtSession longModel = environment.createSession(graph, options)) {
                        float diff = maxDifference(expected, run(longModel, new long[][] { ids }, true)[0], n);
                        if (window == n - 1) {
                            assertTrue(diff <= TOLERANCE, "window " + window + " over " + n + " tokens: max abs difference " + diff);
                        } else {
                            assertTrue(diff > 1e-2, "window " + window + " over " + n + " tokens should change the output, max abs difference " + diff);
                        }
                    }
                }
            }
        }
    }

    private static void assertClose(float[][] expected, float[][] actual, int tokens, String what) {
        float max = maxDifference(expected, actual, tokens);
        assertTrue(max <= TOLERANCE, what + ": max abs difference " + max + " > " + TOLERANCE);
    }

    private static float maxDifference(float[][] expected, float[][] actual, int tokens) {
        float max = 0;
        for (int t = 0; t < tokens; t++) {
            for (int d = 0; d < expected[t].length; d++) {
                max = Math.max(max, Math.abs(expected[t][d] - actual[t][d]));
            }
        }
        return max;
    }

    /**
     * Runs a batch right-padded with id 0; the original export takes token_type_ids (zeros), the compiled graph
     * global_attention_mask (the first token global, as the encoder feeds it).
     */
    private static float[][][] run(OrtSession session, long[][] batch, boolean longModel) throws OrtException {
        int n = 0;
        for (long[] ids : batch) {
            n = Math.max(n, ids.length);
        }
        long[] ids = new long[batch.length * n];
        long[] mask = new long[batch.length * n];
        long[] global = new long[batch.length * n];
        for (int b = 0; b < batch.length; b++) {
            System.arraycopy(batch[b], 0, ids, b * n, batch[b].length);
            for (int t = 0; t < batch[b].length; t++) {
                mask[b * n + t] = 1;
            }
            global[b * n] = 1;
        }
        long[] shape = { batch.length, n };
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            if (longModel) {
                inputs.put("global_attention_mask", OnnxTensor.createTensor(environment, LongBuffer.wrap(global), shape));
            } else {
                inputs.put("token_type_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[ids.length]), shape));
            }
            try (OrtSession.Result result = session.run(inputs, java.util.Set.of("last_hidden_state"))) {
                OnnxTensor output = (OnnxTensor) result.get("last_hidden_state").orElseThrow();
                long[] outShape = output.getInfo().getShape();
                int d = (int) outShape[2];
                FloatBuffer values = output.getFloatBuffer();
                float[][][] out = new float[batch.length][n][d];
                for (int b = 0; b < batch.length; b++) {
                    for (int t = 0; t < n; t++) {
                        values.get(out[b][t]);
                    }
                }
                return out;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
