package io.longdoc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.longdoc.graph.GemmPrecision;
import io.longdoc.it.JsonRest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class EsStepsTests {

    @Test
    void theInt8CopyIsTheBundledSpecWithItsOwnIdAndInt8Gemms() throws Exception {
        byte[] bundled = Files.readAllBytes(Path.of("src/main/models/bge-small-en-v1.5/model.json"));
        JsonNode original = JsonRest.MAPPER.readTree(bundled);
        JsonNode copy = JsonRest.MAPPER.readTree(EsSteps.int8Spec(bundled, "bge-small-en-v1.5-int8"));
        assertEquals("bge-small-en-v1.5-int8", copy.path("id").asText());
        assertEquals("int8", copy.at("/compile/quantize").asText());
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).put("id", original.path("id").asText());
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get("compile")).remove("quantize");
        assertEquals(original, copy, "nothing else of the spec changes");
    }

    @Test
    void fp32IsIngestedLastSoTheLatencyStepReadsTheBundledModelsIndex() {
        assertEquals(List.of(GemmPrecision.INT8, GemmPrecision.FP32), EsSteps.ingestOrder(List.of(GemmPrecision.FP32, GemmPrecision.INT8)));
        assertEquals(List.of(GemmPrecision.FP32), EsSteps.ingestOrder(List.of(GemmPrecision.FP32)));
        assertEquals("m-int8", EsSteps.modelFor("m", GemmPrecision.INT8));
        assertEquals("m", EsSteps.modelFor("m", GemmPrecision.FP32));
    }
}
