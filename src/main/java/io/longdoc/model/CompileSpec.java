package io.longdoc.model;

import io.longdoc.graph.AttentionPattern;

import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The optional {@code compile} section of a model spec: build the ONNX graph from weights and an attention pattern
 * instead of running {@code files.model} as it is.
 *
 * @param weights   where the weights come from: {@code onnx_export} (files.model is a BERT ONNX export) or
 *                  {@code huggingface} (the folder holds config.json + model.safetensors)
 * @param longify   extend the position table to the spec's max_tokens (the Longformer warm start)
 * @param attention the pattern's name: dense, sliding_window or block_sparse; null keeps the checkpoint's own
 * @param window    one-sided window (sliding_window)
 * @param dilations per layer, per head (sliding_window; null = 1)
 * @param blockSize block size (block_sparse)
 * @param randomBlocks random key blocks per query block (block_sparse)
 * @param seed      seed of the random layout (block_sparse)
 * @param randomMode seeded or hf_eval (block_sparse); null when the spec leaves it out, and then it is what the
 *                   checkpoint computes: hf_eval for a big_bird checkpoint (parity with transformers' eval-mode
 *                   outputs), seeded for the others, which have no random blocks of their own. Seeded (the BigBird
 *                   paper's random blocks, drawn once from {@code seed}) is the better choice for a model trained or
 *                   fine-tuned with random blocks in train mode, or to explore the pattern.
 * @param fused     run the sparse attention through the onnx-ops kernel when the library is there (standard ops
 *                  otherwise, reported in the model's stats)
 */
public record CompileSpec(
    String weights,
    boolean longify,
    String attention,
    int window,
    int[][] dilations,
    int blockSize,
    int randomBlocks,
    long seed,
    AttentionPattern.RandomBlocks randomMode,
    boolean fused
) implements ToXContentObject {

    public static final String ONNX_EXPORT = "onnx_export";
    public static final String HUGGINGFACE = "huggingface";
    private static final Set<String> WEIGHTS = Set.of(ONNX_EXPORT, HUGGINGFACE);
    private static final Set<String> PATTERNS = Set.of("dense", "sliding_window", "block_sparse");
    private static final Set<String> KNOWN_KEYS = Set.of("weights", "longify", "attention", "fused");
    private static final Set<String> ATTENTION_KEYS = Set.of("type", "window", "dilation", "block_size", "random_blocks", "seed", "random_mode");

    public CompileSpec {
        if (WEIGHTS.contains(weights) == false) {
            throw new IllegalArgumentException("[compile.weights] must be one of " + WEIGHTS + ", got [" + weights + "]");
        }
        if (attention != null && PATTERNS.contains(attention) == false) {
            throw new IllegalArgumentException("[compile.attention.type] must be one of " + PATTERNS + ", got [" + attention + "]");
        }
        if ("sliding_window".equals(attention) && window < 1) {
            throw new IllegalArgumentException("[compile.attention.window] must be at least 1, got [" + window + "]");
        }
        if ("block_sparse".equals(attention) && (blockSize < 1 || randomBlocks < 0)) {
            throw new IllegalArgumentException("[compile.attention] block_size must be ≥ 1 and random_blocks ≥ 0");
        }
    }

    /**
     * The attention pattern for a model of {@code layers} layers and {@code architecture} (EncoderConfig's); null when
     * the checkpoint's own pattern is kept.
     */
    public AttentionPattern pattern(int layers, String architecture) {
        if (attention == null) {
            return null;
        }
        return switch (attention) {
            case "dense" -> new AttentionPattern.Dense();
            case "sliding_window" -> {
                if (dilations != null && dilations.length != layers) {
                    throw new IllegalArgumentException("[compile.attention.dilation] needs one row per layer (" + layers + "), got " + dilations.length);
                }
                int[] windows = new int[layers];
                java.util.Arrays.fill(windows, window);
                yield new AttentionPattern.SlidingWindow(windows, dilations);
            }
            case "block_sparse" -> new AttentionPattern.BlockSparse(blockSize, randomBlocks, seed, randomMode(architecture));
            default -> throw new IllegalStateException(attention);
        };
    }

    /** The spec's random_mode, else the checkpoint's: transformers' BigBird in eval mode computes hf_eval. */
    AttentionPattern.RandomBlocks randomMode(String architecture) {
        if (randomMode != null) {
            return randomMode;
        }
        return "big_bird".equals(architecture) ? AttentionPattern.RandomBlocks.HF_EVAL : AttentionPattern.RandomBlocks.SEEDED;
    }

    @SuppressWarnings("unchecked")
    static CompileSpec parse(Map<String, Object> map) {
        for (String key : map.keySet()) {
            if (KNOWN_KEYS.contains(key) == false) {
                throw new IllegalArgumentException("unknown key [compile." + key + "], expected one of " + KNOWN_KEYS);
            }
        }
        Object weights = map.get("weights");
        Object longify = map.getOrDefault("longify", false);
        if (longify instanceof Boolean == false) {
            throw new IllegalArgumentException("[compile.longify] must be true or false, got [" + longify + "]");
        }
        Object fused = map.getOrDefault("fused", false);
        if (fused instanceof Boolean == false) {
            throw new IllegalArgumentException("[compile.fused] must be true or false, got [" + fused + "]");
        }
        Object attentionValue = map.get("attention");
        if (attentionValue == null) {
            return new CompileSpec(String.valueOf(weights), (Boolean) longify, null, 0, null, 0, 0, 0, null, (Boolean) fused);
        }
        if (attentionValue instanceof Map<?, ?> == false) {
            throw new IllegalArgumentException("[compile.attention] must be an object, got [" + attentionValue + "]");
        }
        Map<String, Object> attention = (Map<String, Object>) attentionValue;
        for (String key : attention.keySet()) {
            if (ATTENTION_KEYS.contains(key) == false) {
                throw new IllegalArgumentException("unknown key [compile.attention." + key + "], expected one of " + ATTENTION_KEYS);
            }
        }
        return new CompileSpec(
            String.valueOf(weights),
            (Boolean) longify,
            String.valueOf(attention.get("type")),
            intValue(attention, "window", 0),
            dilations(attention.get("dilation")),
            intValue(attention, "block_size", 64),
            intValue(attention, "random_blocks", 3),
            intValue(attention, "seed", 0),
            attention.containsKey("random_mode") ? randomMode(attention.get("random_mode")) : null,
            (Boolean) fused
        );
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
        builder.field("weights", weights);
        builder.field("longify", longify);
        builder.field("fused", fused);
        if (attention != null) {
            builder.startObject("attention");
            builder.field("type", attention);
            switch (attention) {
                case "sliding_window" -> {
                    builder.field("window", window);
                    if (dilations != null) {
                        builder.field("dilation", dilations);
                    }
                }
                case "block_sparse" -> {
                    builder.field("block_size", blockSize).field("random_blocks", randomBlocks).field("seed", seed);
                    if (randomMode != null) {
                        builder.field("random_mode", randomMode.name().toLowerCase(Locale.ROOT));
                    }
                }
                default -> {}
            }
            builder.endObject();
        }
        return builder.endObject();
    }
}
