package io.longdoc.runtime;

import org.elasticsearch.ElasticsearchParseException;
import org.elasticsearch.common.unit.ByteSizeValue;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * The value of {@code longdoc.cuda.memory_budget}: the GPU memory forward passes may use at once, as a size
 * ({@code 12gb}) or as a share of the device's memory that is free when the runtime starts ({@code 80%}, the default:
 * the rest is left to the weights, ONNX Runtime's workspace and other processes). A share needs the free memory
 * ({@link CudaMemoryInfo}); where it cannot be read the budget is {@code longdoc.inference.memory_budget}'s size, and
 * {@code GET _longdoc/models} says so.
 *
 * @param bytes    the size, or 0 for a share
 * @param fraction the share of the free memory, or 0 for a size
 */
public record DeviceMemoryLimit(long bytes, double fraction) {

    public static final String SETTING = "longdoc.cuda.memory_budget";
    public static final String DEFAULT = "80%";

    /** The budget in bytes and, in words, where it comes from. */
    public record Resolved(long bytes, String source) {}

    public static DeviceMemoryLimit parse(String value) {
        String trimmed = value.trim();
        if (trimmed.endsWith("%")) {
            double percent;
            try {
                percent = Double.parseDouble(trimmed.substring(0, trimmed.length() - 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("[" + SETTING + "] must be a size (e.g. 12gb) or a percentage (e.g. 80%), got [" + value + "]");
            }
            if (percent <= 0 || percent > 100) {
                throw new IllegalArgumentException("[" + SETTING + "] must be a percentage in (0%, 100%], got [" + value + "]");
            }
            return new DeviceMemoryLimit(0, percent / 100);
        }
        long bytes;
        try {
            bytes = ByteSizeValue.parseBytesSizeValue(trimmed, SETTING).getBytes();
        } catch (ElasticsearchParseException e) {
            throw new IllegalArgumentException("[" + SETTING + "] must be a size (e.g. 12gb) or a percentage (e.g. 80%), got [" + value + "]", e);
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("[" + SETTING + "] must be positive, got [" + value + "]");
        }
        return new DeviceMemoryLimit(bytes, 0);
    }

    /**
     * @param freeBytes     the device's free memory when the runtime started, empty when unknown
     * @param fallbackBytes the budget when a share cannot be resolved
     */
    public Resolved resolve(int deviceId, OptionalLong freeBytes, long fallbackBytes) {
        if (bytes > 0) {
            return new Resolved(bytes, SETTING + " [" + ByteSizeValue.ofBytes(bytes) + "]");
        }
        String share = String.format(Locale.ROOT, "%.0f%%", fraction * 100);
        if (freeBytes.isPresent()) {
            return new Resolved(
                (long) (freeBytes.getAsLong() * fraction),
                SETTING + " [" + share + "] of the " + (freeBytes.getAsLong() >> 20) + " MB free on CUDA device [" + deviceId + "] when the runtime started"
            );
        }
        return new Resolved(
            fallbackBytes,
            "the free memory of CUDA device [" + deviceId + "] could not be read (" + CudaMemoryInfo.LIBRARY + "'s cudaMemGetInfo), so "
                + SETTING + " [" + share + "] falls back to " + InferenceBudget.HOST_SETTING + " [" + ByteSizeValue.ofBytes(fallbackBytes) + "]"
        );
    }
}
