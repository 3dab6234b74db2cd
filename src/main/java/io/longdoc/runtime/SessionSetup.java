package io.longdoc.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a session is opened with: threads, optimisation, session config entries and, on CUDA, the provider's options.
 * Plain data, so what a CUDA session gets is tested without a device ({@code SessionSetupTests}); only
 * {@link #applyTo} touches ONNX Runtime.
 *
 * @param cudaOptions CUDA execution provider options (ONNX Runtime's names); empty on the CPU
 */
public record SessionSetup(ExecutionProvider provider, int deviceId, int intraOpThreads, Map<String, String> configEntries, Map<String, String> cudaOptions) {

    /**
     * With "1", session creation fails when any node is assigned to the CPU execution provider. Not set on model
     * sessions: ONNX Runtime's CUDA provider hands shape computations (Shape, Range, Concat of int64 sizes, which our
     * graphs have) to the CPU on purpose, so the check would refuse every graph; {@link FusedOpPlacement} sets it on a
     * session that holds only the fused op.
     */
    public static final String DISABLE_CPU_EP_FALLBACK = "session.disable_cpu_ep_fallback";

    public SessionSetup {
        configEntries = Map.copyOf(configEntries);
        cudaOptions = Map.copyOf(cudaOptions);
    }

    /**
     * A model session. On CUDA: the device; the arena grows by what is asked, not to the next power of two, so device
     * memory follows the estimates the device budget accounts ({@link DeviceMemoryLimit}); and TF32 off, so an fp32
     * model computes in fp32 (fp16 is the fast option, chosen in the model spec).
     */
    public static SessionSetup model(ExecutionProvider provider, int deviceId, int intraOpThreads) {
        Map<String, String> cuda = new LinkedHashMap<>();
        if (provider == ExecutionProvider.CUDA) {
            cuda.put("device_id", Integer.toString(deviceId));
            cuda.put("arena_extend_strategy", "kSameAsRequested");
            cuda.put("use_tf32", "0");
        }
        return new SessionSetup(provider, deviceId, intraOpThreads, Map.of(), cuda);
    }

    /** The same session with no node allowed on the CPU execution provider ({@link #DISABLE_CPU_EP_FALLBACK}). */
    public SessionSetup withoutCpuFallback() {
        Map<String, String> entries = new LinkedHashMap<>(configEntries);
        entries.put(DISABLE_CPU_EP_FALLBACK, "1");
        return new SessionSetup(provider, deviceId, intraOpThreads, entries, cudaOptions);
    }

    public boolean cpuFallbackDisabled() {
        return "1".equals(configEntries.get(DISABLE_CPU_EP_FALLBACK));
    }

    /** Everything but the provider, which a CPU-only ONNX Runtime can take too (tested here). */
    void applyCommonTo(OrtSession.SessionOptions options) throws OrtException {
        for (Map.Entry<String, String> entry : configEntries.entrySet()) {
            options.addConfigEntry(entry.getKey(), entry.getValue());
        }
        options.setIntraOpNumThreads(intraOpThreads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    }

    /** Applies all of it; on CUDA this needs the GPU build of ONNX Runtime. */
    void applyTo(OrtSession.SessionOptions options) throws OrtException {
        applyCommonTo(options);
        if (provider == ExecutionProvider.CUDA) {
            try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(deviceId)) {
                for (Map.Entry<String, String> option : cudaOptions.entrySet()) {
                    if (option.getKey().equals("device_id") == false) {
                        cuda.add(option.getKey(), option.getValue());
                    }
                }
                options.addCUDA(cuda); // copied into the session options: ours can close
            }
        }
    }
}
