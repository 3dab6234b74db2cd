package io.longdoc.model;

import java.util.Arrays;
import java.util.Locale;

/** Where a compiled model's weights come from ({@code compile.weights}). */
public enum WeightSource {
    /** {@code files.model} is a BERT ONNX export. */
    ONNX_EXPORT,
    /** The folder holds a Hugging Face checkpoint: config.json + model.safetensors. */
    HUGGINGFACE;

    static WeightSource parse(Object value) {
        for (WeightSource source : values()) {
            if (source.toString().equals(value)) {
                return source;
            }
        }
        throw new IllegalArgumentException("[compile.weights] must be one of " + Arrays.toString(values()) + ", got [" + value + "]");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
