package io.longdoc.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.longdoc.TestModels;
import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderGraphBuilder;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.importer.Longify;
import io.longdoc.graph.importer.OnnxExportImporter;
import io.longdoc.text.TokenizedText;
import io.longdoc.text.Tokenizer;
import io.longdoc.runtime.Encoder;
import io.longdoc.runtime.HiddenStates;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Padding must not change a real token's vector: real MiniLM weights, longified with a window of 16 (so texts longer
 * than the window and padding beyond it both occur), a batch of texts of different lengths against each text alone.
 */
class BatchEncoderTests {

    private static final int WINDOW = 16;

    static OrtEnvironment env;
    static byte[] graph;
    static Encoder single;
    static OrtSession batchSession;
    static List<long[]> texts = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        EncoderWeights weights = Longify.longify(OnnxExportImporter.read(TestModels.miniLmOnnx()), 1024, WINDOW).weights();
        graph = EncoderGraphBuilder.build(weights, AttentionPattern.SlidingWindow.uniform(weights.config().numLayers(), WINDOW), GraphOptions.STANDARD);
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            single = new Encoder(env, env.createSession(graph, options), 384);
            batchSession = env.createSession(graph, options);
        }
        try (Tokenizer tokenizer = Tokenizer.load(TestModels.miniLmTokenizer())) {
            for (String text : List.of(
                "Government of the people, by the people, for the people, shall not perish from the earth.",
                "Liberty and union, now and forever, one and inseparable. ".repeat(6),
                "Four score.",
                "We hold these truths to be self-evident, that all men are created equal, that they are endowed by their Creator "
                    + "with certain unalienable Rights, that among these are Life, Liberty and the pursuit of Happiness."
            )) {
                TokenizedText tokens = tokenizer.tokenize(text);
                texts.add(tokens.ids());
            }
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        batchSession.close();
        single.close();
    }

    @Test
    void everySequenceOfAPaddedBatchEqualsItsRunAlone() throws Exception {
        assertTrue(texts.get(1).length > 3 * WINDOW && texts.get(2).length < WINDOW, "lengths on both sides of the window");
        List<long[]> globals = new ArrayList<>();
        for (long[] ids : texts) {
            long[] global = new long[ids.length];
            global[0] = 1;
            globals.add(global);
        }
        List<HiddenStates> batched = new BatchEncoder(env, batchSession, 384).encode(texts, globals);
        assertEquals(texts.size(), batched.size());
        for (int s = 0; s < texts.size(); s++) {
            HiddenStates alone = single.encode(texts.get(s));
            assertEquals(alone.tokens(), batched.get(s).tokens(), "only the real rows come back, sequence " + s);
            double diff = 0;
            for (int i = 0; i < alone.values().length; i++) {
                diff = Math.max(diff, Math.abs(alone.values()[i] - batched.get(s).values()[i]));
            }
            assertTrue(diff < 1e-4, "sequence " + s + " of " + texts.get(s).length + " tokens differs by " + diff);
        }
    }

    @Test
    void eachSequenceKeepsItsOwnGlobalTokens() throws Exception {
        long[] ids = texts.get(1);
        long[] clsOnly = new long[ids.length];
        clsOnly[0] = 1;
        long[] withLast = clsOnly.clone();
        withLast[ids.length - 2] = 1; // a token far outside [CLS]'s window
        List<HiddenStates> batched = new BatchEncoder(env, batchSession, 384).encode(List.of(ids, ids), List.of(clsOnly, withLast));
        HiddenStates alone = single.encode(ids, withLast);
        double same = 0, other = 0;
        for (int i = 0; i < alone.values().length; i++) {
            same = Math.max(same, Math.abs(alone.values()[i] - batched.get(1).values()[i]));
            other = Math.max(other, Math.abs(alone.values()[i] - batched.get(0).values()[i]));
        }
        assertTrue(same < 1e-4 && other > 1e-3, "row 1 is its own sequence (" + same + "), not row 0's (" + other + ")");
    }

    @Test
    void rejectsMismatchedMasks() {
        BatchEncoder encoder;
        try {
            encoder = new BatchEncoder(env, batchSession, 384);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(List.of(texts.get(0)), List.of(new long[1])));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(List.of(), List.of()));
    }
}
