package io.longdoc.model;

import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.Precision;
import io.longdoc.graph.importer.PositionExtension;

import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optional {@code compile} section of a model spec: build the ONNX graph from weights and an attention pattern
 * instead of running {@code files.model} as it is.
 *
 * @param weights   where the weights come from
 * @param longify   extend the position table to the spec's max_tokens (the Longformer warm start)
 * @param positions how longify fills the new position rows ({@code compile.positions}: copy, the default, interpolate
 *                  or group; {@link PositionExtension})
 * @param attention the attention in place of the checkpoint's own; null keeps the checkpoint's
 * @param fused     run the sparse attention through the onnx-ops kernel when the library is there (standard ops
 *                  otherwise, reported in the model's stats)
 * @param precision the graph's float type; fp16 runs only on the CUDA execution provider ({@link SessionPrecision}
 *                  decides what a CPU node does with it)
 * @param quantize  {@code compile.quantize}: "none" (fp32 GEMMs, the default), "int8" (int8 projection and
 *                  feed-forward GEMMs, weights quantized per output channel when the graph is compiled; attention keeps
 *                  the graph's float type; needs precision fp32) or "auto" (int8 where the node can run it well:
 *                  {@link QuantizeSetting})
 */
public record CompileSpec(
    WeightSource weights,
    boolean longify,
    PositionExtension positions,
    AttentionOverride attention,
    boolean fused,
    Precision precision,
    QuantizeSetting quantize
) implements ToXContentObject {

    private static final Set<String> KNOWN_KEYS = Set.of("weights", "longify", "positions", "attention", "fused", "precision", "quantize");

    public CompileSpec {
        if (positions == null) {
            positions = PositionExtension.COPY;
        }
        if (positions != PositionExtension.COPY && longify == false) {
            throw new IllegalArgumentException("[compile.positions] " + positions + " fills the rows longify adds: it needs [compile.longify] true");
        }
        if (precision == null) {
            precision = Precision.FP32;
        }
        if (quantize == null) {
            quantize = QuantizeSetting.NONE;
        }
        if (quantize == QuantizeSetting.INT8 && precision != Precision.FP32) {
            throw new IllegalArgumentException("[compile.quantize] int8 takes float32 activations: it needs [compile.precision] fp32, got [" + precision + "]");
        }
    }

    /** Positions extended by copying (the default). */
    public CompileSpec(WeightSource weights, boolean longify, AttentionOverride attention, boolean fused, Precision precision, QuantizeSetting quantize) {
        this(weights, longify, PositionExtension.COPY, attention, fused, precision, quantize);
    }

    /** A graph in the given float type with fp32 GEMMs. */
    public CompileSpec(WeightSource weights, boolean longify, AttentionOverride attention, boolean fused, Precision precision) {
        this(weights, longify, attention, fused, precision, QuantizeSetting.NONE);
    }

    /** A float32 graph. */
    public CompileSpec(WeightSource weights, boolean longify, AttentionOverride attention, boolean fused) {
        this(weights, longify, attention, fused, Precision.FP32);
    }
    private static final Set<String> ATTENTION_KEYS = Set.of("type", "window", "dilation", "block_size", "random_blocks", "seed", "random_mode");
    private static final List<String> PATTERNS = List.of("dense", "sliding_window", "block_sparse");

    /** The graph's pattern for a model of this shape, or null when the checkpoint's own is kept. */
    public AttentionPattern pattern(int layers, String architecture) {
        return attention == null ? null : attention.pattern(layers, architecture);
    }

    @SuppressWarnings("unchecked")
    static CompileSpec parse(Map<String, Object> map) {
        for (String key : map.keySet()) {
            if (KNOWN_KEYS.contains(key) == false) {
                throw new IllegalArgumentException("unknown key [compile." + key + "], expected one of " + KNOWN_KEYS);
            }
        }
        WeightSource weights = WeightSource.parse(map.get("weights"));
        boolean longify = bool(map, "longify");
        boolean fused = bool(map, "fused");
        Precision precision = Precision.parse(String.valueOf(map.getOrDefault("precision", "fp32")));
        QuantizeSetting quantize = QuantizeSetting.parse(map.get("quantize"));
        PositionExtension positions = map.containsKey("positions") ? PositionExtension.parse(map.get("positions")) : PositionExtension.COPY;
        Object attentionValue = map.get("attention");
        if (attentionValue == null) {
            return new CompileSpec(weights, longify, positions, null, fused, precision, quantize);
        }
        if (attentionValue instanceof Map<?, ?> == false) {
            throw new IllegalArgumentException("[compile.attention] must be an object, got [" + attentionValue + "]");
        }
        return new CompileSpec(weights, longify, positions, attention((Map<String, Object>) attentionValue), fused, precision, quantize);
    }

    private static AttentionOverride attention(Map<String, Object> attention) {
        for (String key : attention.keySet()) {
            if (ATTENTION_KEYS.contains(key) == false) {
                throw new IllegalArgumentException("unknown key [compile.attention." + key + "], expected one of " + ATTENTION_KEYS);
            }
        }
        Object type = attention.get("type");
        return switch (String.valueOf(type)) {
            case "dense" -> new AttentionOverride.Dense();
            case "sliding_window" -> new AttentionOverride.SlidingWindow(intValue(attention, "window", 0), dilations(attention.get("dilation")));
            case "block_sparse" -> new AttentionOverride.BlockSparse(
                intValue(attention, "block_size", 64),
                intValue(attention, "random_blocks", 3),
                intValue(attention, "seed", 0),
                attention.containsKey("random_mode") ? randomMode(attention.get("random_mode")) : null
            );
            default -> throw new IllegalArgumentException("[compile.attention.type] must be one of " + PATTERNS + ", got [" + type + "]");
        };
    }

    private static boolean bool(Map<String, Object> map, String key) {
        Object value = map.getOrDefault(key, false);
        if (value instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("[compile." + key + "] must be true or false, got [" + value + "]");
    }

    private static int intValue(Map<String, Object> map, String key, int defaultValue) {
        Object value = map.getOrDefault(key, defaultValue);
        if (value instanceof Integer i) {
            return i;
        }
        throw new IllegalArgumentException("[compile.attention." + key + "] must be an integer, got [" + value + "]");
    }

    private static int[][] dilations(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> layers) {
            int[][] out = new int[layers.size()][];
            for (int l = 0; l < layers.size(); l++) {
                if (layers.get(l) instanceof List<?> heads) {
                    out[l] = heads.stream().mapToInt(h -> {
                        if (h instanceof Integer i && i >= 1) {
                            return i;
                        }
                        throw new IllegalArgumentException("[compile.attention.dilation] values must be integers ≥ 1, got [" + h + "]");
                    }).toArray();
                } else {
                    throw new IllegalArgumentException("[compile.attention.dilation] must be a list (layers) of lists (heads)");
                }
            }
            return out;
        }
        throw new IllegalArgumentException("[compile.attention.dilation] must be a list (layers) of lists (heads)");
    }

    private static AttentionPattern.RandomBlocks randomMode(Object value) {
        for (AttentionPattern.RandomBlocks mode : AttentionPattern.RandomBlocks.values()) {
            if (mode.name().equalsIgnoreCase(String.valueOf(value))) {
                return mode;
            }
        }
        throw new IllegalArgumentException("[compile.attention.random_mode] must be seeded or hf_eval, got [" + value + "]");
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("weights", weights.toString());
        builder.field("longify", longify);
        if (positions != PositionExtension.COPY) {
            // only when set: a copy spec keeps the JSON (and so the compiled-graph cache key) it had before the field
            builder.field("positions", positions.toString());
        }
        builder.field("fused", fused);
        if (precision != Precision.FP32) {
            // only when set: an fp32 spec keeps the JSON (and so the compiled-graph cache key) it had before the field
            builder.field("precision", precision.toString());
        }
        if (quantize != QuantizeSetting.NONE) {
            builder.field("quantize", quantize.toString()); // likewise
        }
        if (attention != null) {
            builder.startObject("attention");
            builder.field("type", attention.type());
            attention.fieldsTo(builder);
            builder.endObject();
        }
        return builder.endObject();
    }
}
