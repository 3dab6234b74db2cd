package io.longdoc.runtime;

import java.util.Locale;

/** The value of {@code longdoc.execution_provider}: what the operator asks for; {@link ProviderSelection} decides. */
public enum ExecutionProviderSetting {
    /** CUDA when this node can run it (GPU zip, libraries, device), else the CPU with the reason kept. */
    AUTO,
    CPU,
    /** CUDA or nothing: without it every model load fails with the reason (the node stays up). */
    CUDA;

    public static ExecutionProviderSetting parse(String value) {
        for (ExecutionProviderSetting setting : values()) {
            if (setting.name().equalsIgnoreCase(value)) {
                return setting;
            }
        }
        throw new IllegalArgumentException("unknown execution provider [" + value + "], expected one of [auto, cpu, cuda]");
    }

    /** The setting that asks for exactly {@code provider}. */
    public static ExecutionProviderSetting of(ExecutionProvider provider) {
        return provider == ExecutionProvider.CUDA ? CUDA : CPU;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
