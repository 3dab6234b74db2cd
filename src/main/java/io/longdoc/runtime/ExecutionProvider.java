package io.longdoc.runtime;

import java.util.Locale;

/** Where ONNX Runtime runs a model. */
public enum ExecutionProvider {
    CPU,
    CUDA;

    public static ExecutionProvider parse(String value) {
        for (ExecutionProvider provider : values()) {
            if (provider.name().equalsIgnoreCase(value)) {
                return provider;
            }
        }
        throw new IllegalArgumentException("unknown execution provider [" + value + "], expected one of [cpu, cuda]");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
