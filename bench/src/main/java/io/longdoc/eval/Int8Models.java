package io.longdoc.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.longdoc.graph.GemmPrecision;
import io.longdoc.it.JsonRest;

import java.util.Locale;

/**
 * The harness's models in one precision ({@code --quantize fp32 | int8}): the bundled long model's spec with
 * {@code compile.quantize} pinned ({@code none} or {@code int8}: the bundled spec's {@code auto} would be int8 on a CPU
 * with VNNI) under an id of its own (so compiled graphs and ingested vectors never mix), and with int8 the short model
 * compiled by the graph builder from the same ONNX export with dense attention and int8 GEMMs, so that chunk-512 and
 * the other short-model baselines lose what int8 loses too.
 */
final class Int8Models {

    private Int8Models() {}

    /** --quantize: fp32 (or none, the default) or int8. */
    static GemmPrecision parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "fp32", "none" -> GemmPrecision.FP32;
            case "int8" -> GemmPrecision.INT8;
            default -> throw new IllegalArgumentException("--quantize must be fp32 or int8, got [" + value + "]");
        };
    }

    /** The id a model has in this precision: the bundled id and the precision. */
    static String id(String modelId, GemmPrecision precision) {
        return modelId + "-" + precision.label();
    }

    /** The bundled spec under {@code id}, its compile section asking for {@code precision}'s GEMMs. */
    static String longSpec(String bundledSpec, String id, GemmPrecision precision) {
        ObjectNode spec = (ObjectNode) JsonRest.json(bundledSpec);
        if (spec.path("compile").isObject() == false) {
            throw new IllegalArgumentException("--quantize needs a model compiled from weights; [" + spec.path("id").asText() + "] has no compile section");
        }
        String quantize = precision == GemmPrecision.INT8 ? "int8" : "none";
        spec.put("id", id);
        spec.put("description", spec.path("description").asText() + " (" + precision.label() + " GEMMs: compile.quantize " + quantize + ")");
        ((ObjectNode) spec.get("compile")).put("quantize", quantize);
        return JsonRest.toJson(spec);
    }

    /** The original 512-position model from its ONNX export, compiled with dense attention and int8 GEMMs. */
    static String shortSpec(String id, int dims, String pooling) {
        return """
            {"id": "%s", "description": "the original model compiled from its ONNX export: dense attention, int8 GEMMs", "architecture": "bert",
             "dims": %d, "pooling": "%s", "normalize": true, "max_tokens": 512, "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
             "compile": {"weights": "onnx_export", "quantize": "int8", "attention": {"type": "dense"}}}
            """.formatted(id, dims, pooling);
    }
}
