package io.longdoc.eval;

import io.longdoc.graph.GemmPrecision;
import io.longdoc.it.JsonRest;
import io.longdoc.model.AutoInt8;
import io.longdoc.model.ModelSpec;
import io.longdoc.model.QuantizeSetting;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Int8ModelsTests {

    private static ModelSpec parse(String json, String id) throws Exception {
        return ModelSpec.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), id);
    }

    @Test
    void theLongSpecIsTheBundledOneWithInt8UnderItsOwnId() throws Exception {
        String bundled = Files.readString(Path.of("src/main/models/bge-small-en-v1.5/model.json"));
        String id = Int8Models.id("bge-small-en-v1.5", GemmPrecision.INT8);
        assertEquals("bge-small-en-v1.5-int8", id);
        ModelSpec spec = parse(Int8Models.longSpec(bundled, id, GemmPrecision.INT8), id);
        ModelSpec original = parse(bundled, "bge-small-en-v1.5");
        assertEquals("int8", spec.precision(AutoInt8.node()));
        assertEquals(QuantizeSetting.INT8, spec.compile().quantize());
        assertEquals(original.compile().attention(), spec.compile().attention(), "the same pattern");
        assertEquals(original.compile().fused(), spec.compile().fused());
        assertEquals(original.maxTokens(), spec.maxTokens());
        // fp32 runs pin none: the bundled spec's auto would be int8 on a CPU with VNNI
        String fp32Id = Int8Models.id("bge-small-en-v1.5", GemmPrecision.FP32);
        ModelSpec fp32 = parse(Int8Models.longSpec(bundled, fp32Id, GemmPrecision.FP32), fp32Id);
        assertEquals("bge-small-en-v1.5-fp32", fp32Id);
        assertEquals(QuantizeSetting.NONE, fp32.compile().quantize());
        assertEquals("fp32", fp32.precision(AutoInt8.node()));
    }

    @Test
    void theShortSpecIsTheDenseOriginalInInt8() throws Exception {
        ModelSpec spec = parse(Int8Models.shortSpec("m-512-int8", 384, "cls"), "m-512-int8");
        assertEquals("int8", spec.precision(AutoInt8.node()));
        assertEquals(512, spec.maxTokens());
        assertTrue(JsonRest.toJson(JsonRest.json(Int8Models.shortSpec("m-512-int8", 384, "cls"))).contains("\"type\":\"dense\""));
    }

    @Test
    void quantizeOptionIsFp32OrInt8() {
        assertEquals(GemmPrecision.FP32, Int8Models.parse("fp32"));
        assertEquals(GemmPrecision.FP32, Int8Models.parse("none"));
        assertEquals(GemmPrecision.INT8, Int8Models.parse("INT8"));
        var e = assertThrows(IllegalArgumentException.class, () -> Int8Models.parse("int4"));
        assertTrue(e.getMessage().contains("int4"), e.getMessage());
    }
}
