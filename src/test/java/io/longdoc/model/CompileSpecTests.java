package io.longdoc.model;

import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.AttentionPattern.RandomBlocks;
import io.longdoc.graph.Precision;
import io.longdoc.graph.importer.PositionExtension;

import org.elasticsearch.common.Strings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompileSpecTests {

    private static CompileSpec blockSparse(Map<String, Object> attention) {
        return CompileSpec.parse(Map.of("weights", "huggingface", "attention", attention));
    }

    /** A block_sparse override without random_mode keeps what a big_bird checkpoint computes in transformers. */
    @Test
    void randomModeDefaultsToTheCheckpoints() {
        CompileSpec spec = blockSparse(Map.of("type", "block_sparse", "block_size", 16, "random_blocks", 2));
        assertEquals(new AttentionPattern.BlockSparse(16, 2, 0, RandomBlocks.HF_EVAL), spec.pattern(2, "big_bird"));
        assertEquals(new AttentionPattern.BlockSparse(16, 2, 0, RandomBlocks.SEEDED), spec.pattern(2, "bert"), "no random blocks of its own");
        assertFalse(Strings.toString(spec).contains("random_mode"), Strings.toString(spec));
    }

    @Test
    void anExplicitRandomModeWins() {
        CompileSpec seeded = blockSparse(Map.of("type", "block_sparse", "random_mode", "seeded", "seed", 7));
        assertEquals(new AttentionPattern.BlockSparse(64, 3, 7, RandomBlocks.SEEDED), seeded.pattern(2, "big_bird"));
        assertTrue(Strings.toString(seeded).contains("\"random_mode\":\"seeded\""), Strings.toString(seeded));
        CompileSpec hfEval = blockSparse(Map.of("type", "block_sparse", "random_mode", "hf_eval"));
        assertEquals(RandomBlocks.HF_EVAL, ((AttentionPattern.BlockSparse) hfEval.pattern(2, "roberta")).randomMode());
    }

    @Test
    void precisionDefaultsToFp32AndLeavesTheJsonAsItWas() {
        CompileSpec plain = CompileSpec.parse(Map.of("weights", "onnx_export", "fused", true));
        assertEquals(Precision.FP32, plain.precision());
        // the JSON is hashed into the compiled-graph cache key: an fp32 spec must not recompile after an upgrade
        assertFalse(Strings.toString(plain).contains("precision"), Strings.toString(plain));
        CompileSpec half = CompileSpec.parse(Map.of("weights", "onnx_export", "fused", true, "precision", "fp16"));
        assertEquals(Precision.FP16, half.precision());
        assertTrue(Strings.toString(half).contains("\"precision\":\"fp16\""), Strings.toString(half));
    }

    @Test
    void anUnknownPrecisionNamesTheKey() {
        var e = assertThrows(IllegalArgumentException.class, () -> CompileSpec.parse(Map.of("weights", "onnx_export", "precision", "bf16")));
        assertEquals("[compile.precision] must be one of [fp32, fp16], got [bf16]", e.getMessage());
    }

    @Test
    void quantizeIsFp32UnlessInt8IsAskedFor() {
        CompileSpec absent = CompileSpec.parse(Map.of("weights", "onnx_export"));
        CompileSpec none = CompileSpec.parse(Map.of("weights", "onnx_export", "quantize", "none"));
        CompileSpec int8 = CompileSpec.parse(Map.of("weights", "onnx_export", "quantize", "int8"));
        CompileSpec auto = CompileSpec.parse(Map.of("weights", "onnx_export", "quantize", "auto"));
        assertEquals(QuantizeSetting.NONE, absent.quantize());
        assertEquals(QuantizeSetting.NONE, none.quantize());
        assertEquals(QuantizeSetting.INT8, int8.quantize());
        assertEquals(QuantizeSetting.AUTO, auto.quantize());
        assertTrue(Strings.toString(auto).contains("\"quantize\":\"auto\""), Strings.toString(auto));
        assertEquals(Strings.toString(absent), Strings.toString(none), "fp32 writes nothing: older graphs keep their cache key");
        assertFalse(Strings.toString(none).contains("quantize"), Strings.toString(none));
        assertTrue(Strings.toString(int8).contains("\"quantize\":\"int8\""), Strings.toString(int8));
    }

    @Test
    void anUnknownQuantizeValueIsNamed() {
        for (Object value : new Object[] { "int4", "INT8", "fp16", 8, true }) {
            var e = assertThrows(IllegalArgumentException.class, () -> CompileSpec.parse(Map.of("weights", "onnx_export", "quantize", value)));
            assertEquals("[compile.quantize] must be one of [none, int8, auto], got [" + value + "]", e.getMessage());
        }
    }

    @Test
    void int8GemmsNeedFloat32Activations() {
        var e = assertThrows(IllegalArgumentException.class, () -> CompileSpec.parse(Map.of("weights", "onnx_export", "precision", "fp16", "quantize", "int8")));
        assertTrue(e.getMessage().contains("[compile.quantize] int8") && e.getMessage().contains("fp16"), e.getMessage());
        // auto is the node's choice: with fp16 it keeps fp32 GEMMs (QuantizeSetting), so the spec is valid
        assertEquals(QuantizeSetting.AUTO, CompileSpec.parse(Map.of("weights", "onnx_export", "precision", "fp16", "quantize", "auto")).quantize());
    }

    @Test
    void positionsAreCopiedUnlessAskedAndOnlyWithLongify() {
        CompileSpec absent = CompileSpec.parse(Map.of("weights", "onnx_export", "longify", true));
        CompileSpec copy = CompileSpec.parse(Map.of("weights", "onnx_export", "longify", true, "positions", "copy"));
        CompileSpec interpolate = CompileSpec.parse(Map.of("weights", "onnx_export", "longify", true, "positions", "interpolate"));
        assertEquals(PositionExtension.COPY, absent.positions());
        assertEquals(PositionExtension.INTERPOLATE, interpolate.positions());
        assertEquals(Strings.toString(absent), Strings.toString(copy), "copy writes nothing: the bundled graphs keep their cache key");
        assertFalse(Strings.toString(copy).contains("positions"), Strings.toString(copy));
        assertTrue(Strings.toString(interpolate).contains("\"positions\":\"interpolate\""), Strings.toString(interpolate));
        assertEquals(PositionExtension.GROUP, CompileSpec.parse(Map.of("weights", "onnx_export", "longify", true, "positions", "group")).positions());
        var unknown = assertThrows(IllegalArgumentException.class, () -> CompileSpec.parse(Map.of("weights", "onnx_export", "longify", true, "positions", "rope")));
        assertEquals("[compile.positions] must be one of [copy, interpolate, group], got [rope]", unknown.getMessage());
        var noLongify = assertThrows(IllegalArgumentException.class, () -> CompileSpec.parse(Map.of("weights", "onnx_export", "positions", "group")));
        assertTrue(noLongify.getMessage().contains("[compile.longify]"), noLongify.getMessage());
    }
}
