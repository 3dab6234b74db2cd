package io.longdoc.runtime;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Decides where this node's models run from {@code longdoc.execution_provider} and what {@link CudaProbe} found. Pure:
 * the probe is an input, so every combination is tested without a GPU ({@code ProviderSelectionTests}).
 */
public final class ProviderSelection {

    static final String CPU_BUILD = "this is the CPU build of longdoc: its ONNX Runtime has no CUDA execution provider "
        + "(the GPU zip, longdoc-<version>-es<es>-gpu-cuda12.zip, has)";

    private ProviderSelection() {}

    /**
     * What the probe of the CUDA execution provider found; each {@code String} is null when that step succeeded.
     *
     * @param gpuBuild       ONNX Runtime was built with the CUDA execution provider (the GPU zip)
     * @param librariesError why the provider library or what it links (CUDA 12, cuDNN 9) did not load
     * @param deviceError    why no session could be created on the device
     */
    public record CudaProbeResult(boolean gpuBuild, String librariesError, String deviceError) {

        public static CudaProbeResult cpuBuild() {
            return new CudaProbeResult(false, null, null);
        }

        /** Null when CUDA can run here, else the first missing piece, worded for the operator. */
        String missing(int deviceId) {
            if (gpuBuild == false) {
                return CPU_BUILD;
            }
            if (librariesError != null) {
                return "ONNX Runtime's CUDA execution provider did not load (it needs the CUDA 12 and cuDNN 9 libraries on the "
                    + "library path and an NVIDIA driver, see the README): " + librariesError;
            }
            if (deviceError != null) {
                return "CUDA device [" + deviceId + "] (longdoc.cuda.device_id) is not usable: " + deviceError;
            }
            return null;
        }
    }

    /**
     * The outcome: the provider models run on, or, when the setting requires CUDA and it is missing, none and the error
     * every model load fails with.
     *
     * @param provider the provider in use; null when none can run (see {@code error})
     * @param reason   why {@code auto} fell back to the CPU; null otherwise
     * @param error    why {@code cuda} cannot run; null otherwise
     */
    public record Result(ExecutionProviderSetting setting, ExecutionProvider provider, String reason, String error) {
        public boolean usable() {
            return provider != null;
        }
    }

    /** {@code probe} is only called when the setting is not {@code cpu}: a CPU node never touches CUDA. */
    public static Result select(ExecutionProviderSetting setting, int deviceId, Supplier<CudaProbeResult> probe) {
        Objects.requireNonNull(setting);
        if (setting == ExecutionProviderSetting.CPU) {
            return new Result(setting, ExecutionProvider.CPU, null, null);
        }
        String missing = probe.get().missing(deviceId);
        if (missing == null) {
            return new Result(setting, ExecutionProvider.CUDA, null, null);
        }
        if (setting == ExecutionProviderSetting.AUTO) {
            return new Result(setting, ExecutionProvider.CPU, missing, null);
        }
        return new Result(setting, null, null, "longdoc.execution_provider is [cuda] but " + missing);
    }
}
