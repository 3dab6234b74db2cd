package io.longdoc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.longdoc.it.JsonRest;

import org.junit.jupiter.api.Test;

class SpeedJsonTests {

    @Test
    void aRowNotRunHasNullNumbersAndItsReason() {
        JsonNode json = write(new EsSteps.Results(StepResult.skipped("--skip es"), StepResult.skipped("--skip es")));
        JsonNode dense4096 = json.at("/encoder/rows/4");
        assertEquals("dense", dense4096.path("variant").asText());
        assertEquals(4096, dense4096.path("n").asInt());
        assertEquals("not_run", dense4096.path("status").asText());
        assertTrue(dense4096.path("median_ms").isNull() && dense4096.path("tokens_per_s").isNull());
        assertTrue(dense4096.path("note").asText().contains("--max-dense-gb"));
    }

    @Test
    void everyStepHasAStatusAndSkippedStepsTheirReason() {
        JsonNode json = write(new EsSteps.Results(StepResult.skipped("--skip es"), StepResult.skipped("--skip es")));
        assertEquals("measured", json.at("/encoder/status").asText());
        assertEquals("measured", json.at("/kernel/status").asText());
        assertEquals("skipped", json.at("/es_ingest/status").asText());
        assertEquals("--skip es", json.at("/es_qa/reason").asText());
    }

    @Test
    void ingestCarriesItsRatioToTheRawEncoder() {
        JsonNode json = write(new EsSteps.Results(SpeedFixtures.ingest("standard_ops"), StepResult.unavailable("long_doc_qa not in this build")));
        assertEquals("sparse-std", json.at("/es_ingest/runs/0/raw_encoder/variant").asText(), "the node fell back to standard ops");
        assertEquals(2048 / (4096 / 1.657), json.at("/es_ingest/runs/0/ratio_to_raw_encoder").asDouble(), 1e-3);
        assertEquals("unavailable", json.at("/es_qa/status").asText());
    }

    @Test
    void theMachineAndTheSettingsAreRecorded() {
        JsonNode json = write(new EsSteps.Results(StepResult.skipped("--skip es"), StepResult.skipped("--skip es")));
        assertEquals("Test CPU 9000", json.at("/machine/cpu").asText());
        assertEquals("1.29.0", json.at("/machine/onnxruntime").asText());
        assertEquals(3, json.at("/settings/runs").asInt());
        assertEquals(4096, json.at("/settings/lengths/1").asInt());
        assertTrue(json.at("/encoder/ort_arena").asText().startsWith("not available"));
    }

    @Test
    void rowsAndRatiosCarryTheirPrecision() {
        JsonNode json = JsonRest.json(SpeedJson.write(SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRowsWithInt8()),
            new EsSteps.Results(StepResult.skipped("--skip es"), StepResult.skipped("--skip es")))));
        assertEquals("fp32", json.at("/encoder/rows/0/precision").asText());
        assertEquals("int8", json.at("/encoder/rows/8/precision").asText());
        assertEquals("sparse-std", json.at("/encoder/rows/8/variant").asText());
        JsonNode int8At4096 = json.at("/encoder/ratios/3");
        assertEquals(4096, int8At4096.path("n").asInt());
        assertEquals("int8", int8At4096.path("precision").asText());
        assertEquals(882.0 / 386, int8At4096.path("sparse_fused_over_fp32_chunk_512_tokens_per_s").asDouble(), 1e-2);
        assertEquals("avx512_vnni, amx_int8", json.at("/machine/int8_features").asText());
        assertEquals("int8", json.at("/settings/precisions/1").asText());
    }

    private static JsonNode write(EsSteps.Results es) {
        return JsonRest.json(SpeedJson.write(SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRows()), es)));
    }
}
