package io.longdoc.runtime;

/**
 * The node's {@code longdoc.cuda.*} settings, read when models run on CUDA.
 *
 * @param deviceId         {@code longdoc.cuda.device_id}
 * @param concurrentPasses {@code longdoc.cuda.concurrent_passes}: forward passes on the GPU at once ({@link DeviceSlots})
 * @param memoryBudget     {@code longdoc.cuda.memory_budget} ({@link DeviceMemoryLimit})
 */
public record CudaSettings(int deviceId, int concurrentPasses, DeviceMemoryLimit memoryBudget) {

    public static final int DEFAULT_CONCURRENT_PASSES = 2;

    public CudaSettings {
        if (deviceId < 0) {
            throw new IllegalArgumentException("CUDA device id must be at least 0, got: " + deviceId);
        }
        if (concurrentPasses < 1) {
            throw new IllegalArgumentException("longdoc.cuda.concurrent_passes must be at least 1, got: " + concurrentPasses);
        }
    }

    /** Device {@code deviceId} with the defaults. */
    public static CudaSettings device(int deviceId) {
        return new CudaSettings(deviceId, DEFAULT_CONCURRENT_PASSES, DeviceMemoryLimit.parse(DeviceMemoryLimit.DEFAULT));
    }
}
