package io.longdoc.summary;

import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.GraphRuns;
import io.longdoc.graph.importer.LedCheckpointImporter;
import io.longdoc.graph.importer.LedCheckpointImporter.ImportedLed;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LED import, the compiled encoder and decoder-step graphs in ONNX Runtime, and greedy/beam generation in Java,
 * against the numpy reference (src/test/python/led/led_reference.py) on a synthetic checkpoint with per-layer windows
 * [4, 8], 4 encoder and 2 decoder heads and a 320-token vocabulary.
 */
class LedParityTests {

    private static final double TOLERANCE = 1e-4;

    private static LedFixture fixture;
    private static ImportedLed led;
    private static LedModel model;
    private static float[][] encoderHidden;

    @BeforeAll
    static void compile() throws Exception {
        Path dir = Path.of("target/led-parity").toAbsolutePath();
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        fixture = LedFixture.create(dir);
        led = LedCheckpointImporter.importFolder(fixture.checkpoint());
        model = LedModel.compile(led, GraphOptions.STANDARD, GraphRuns::session);
        encoderHidden = model.encode(fixture.inputIds());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void importsTheEncoderWithPerLayerWindows() {
        assertArrayEquals(new int[] { 2, 4 }, led.pattern().windows());
        assertEquals(0, led.encoder().config().positionOffset());
        assertTrue(led.encoder().layers().get(0).hasGlobalProjections());
        assertEquals(2, led.decoder().config().numHeads());
    }

    @Test
    void encoderStatesMatchTheReference() {
        double diff = LedFixture.maxDiff(encoderHidden, fixture.matrix("encoder_hidden"));
        assertTrue(diff < TOLERANCE, "encoder states differ by " + diff);
    }

    @Test
    void fusedEncoderStatesMatchTheReference() throws Exception {
        try (LedModel fused = LedModel.compile(led, new GraphOptions(true), GraphRuns::session)) {
            double diff = LedFixture.maxDiff(fused.encode(fixture.inputIds()), fixture.matrix("encoder_hidden"));
            assertTrue(diff < TOLERANCE, "fused encoder states differ by " + diff);
        }
    }

    /** Global attention beyond the first token (a title's tokens): both encoder graphs read the whole mask. */
    @Test
    void encoderStatesWithMoreGlobalTokensMatchTheReference() throws Exception {
        long[] ids = fixture.inputIds();
        long[] global = new long[ids.length];
        for (int position : fixture.intArray("more_global_positions")) {
            global[position] = 1;
        }
        double[][] expected = fixture.matrix("encoder_hidden_more_globals");
        assertTrue(LedFixture.maxDiff(encoderHidden, expected) > 1e-2, "the extra global tokens change the reference's states");
        double diff = LedFixture.maxDiff(model.encode(ids, global), expected);
        assertTrue(diff < TOLERANCE, "encoder states with more global tokens differ by " + diff);
        try (LedModel fused = LedModel.compile(led, new GraphOptions(true), GraphRuns::session)) {
            double fusedDiff = LedFixture.maxDiff(fused.encode(ids, global), expected);
            assertTrue(fusedDiff < TOLERANCE, "fused encoder states with more global tokens differ by " + fusedDiff);
        }
    }

    @Test
    void firstDecoderStepLogitsMatchTheReference() throws Exception {
        int start = fixture.intArray("prefix")[0];
        try (StepDecoder decoder = model.decoder(encoderHidden)) {
            float[] logits = decoder.step(new int[] { start }, new int[] { 0 })[0];
            double diff = LedFixture.maxDiff(logits, fixture.vector("first_step_logits"));
            assertTrue(diff < TOLERANCE, "first step logits differ by " + diff);
        }
    }

    /** Token by token through the cache, and the whole prefix at once (causal mask, positions), agree with the reference. */
    @Test
    void cachedStepsAndWholePrefixMatchTheReference() throws Exception {
        int[] prefix = fixture.intArray("prefix");
        double[][] expected = fixture.matrix("prefix_logits");
        try (StepDecoder decoder = model.decoder(encoderHidden)) {
            for (int i = 0; i < prefix.length; i++) {
                float[] logits = decoder.step(new int[] { prefix[i] }, new int[] { 0 })[0];
                double diff = LedFixture.maxDiff(logits, expected[i]);
                assertTrue(diff < TOLERANCE, "cached step " + i + " differs by " + diff);
            }
        }
        double diff = LedFixture.maxDiff(model.prefixLogits(encoderHidden, prefix), expected);
        assertTrue(diff < TOLERANCE, "whole-prefix logits differ by " + diff);
    }

    /** Greedy and beam search, each scenario's options over the checkpoint's generation_config.json, give the reference's tokens. */
    @Test
    void generatedSequencesAreTheReferences() throws Exception {
        Map<String, Object> defaults = GenerationConfig.readOptions(fixture.checkpoint());
        List<Map<String, Object>> scenarios = fixture.scenarios();
        assertTrue(scenarios.size() >= 5);
        for (Map<String, Object> scenario : scenarios) {
            Map<String, Object> options = new HashMap<>(defaults);
            @SuppressWarnings("unchecked")
            Map<String, Object> overrides = (Map<String, Object>) scenario.get("overrides");
            options.putAll(overrides);
            GenerationConfig config = GenerationConfig.parse(options, led.config());
            @SuppressWarnings("unchecked")
            int[] expected = ((List<Integer>) scenario.get("sequence")).stream().mapToInt(Integer::intValue).toArray();
            try (StepDecoder decoder = model.decoder(encoderHidden)) {
                int[] actual = Generation.generate(decoder, config);
                assertArrayEquals(expected, actual, scenario.get("name") + ": " + Arrays.toString(actual));
            }
        }
    }
}
