package io.longdoc.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

import java.nio.file.Path;

/**
 * The node's one ONNX Runtime environment and the options every session gets. The environment is created on first
 * use, so a node that never runs a model never loads the native library; it is created through
 * {@link EnvironmentStart}, and when that refuses or fails the reason is kept and every later use fails with it
 * (a native library that failed to initialise cannot be retried in the same JVM). The execution provider is chosen
 * right after ({@link ProviderSelection}), once per node.
 */
public final class OrtRuntime implements AutoCloseable {

    private final int intraOpThreads;
    private final ExecutionProviderSetting providerSetting;
    private final int cudaDeviceId;
    private OrtEnvironment environment;
    private OrtUnavailableException unavailable;
    private OrtTelemetry.State telemetry;
    private ProviderSelection.Result provider;

    public OrtRuntime(int intraOpThreads, ExecutionProviderSetting providerSetting, int cudaDeviceId) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1, got: " + intraOpThreads);
        }
        if (cudaDeviceId < 0) {
            throw new IllegalArgumentException("CUDA device id must be at least 0, got: " + cudaDeviceId);
        }
        this.intraOpThreads = intraOpThreads;
        this.providerSetting = providerSetting;
        this.cudaDeviceId = cudaDeviceId;
    }

    /** Exactly {@code executionProvider}, on CUDA device 0 (tests and harnesses). */
    public OrtRuntime(int intraOpThreads, ExecutionProvider executionProvider) {
        this(intraOpThreads, ExecutionProviderSetting.of(executionProvider), 0);
    }

    /** The environment, started on first use; {@link OrtUnavailableException} (503) when ONNX Runtime cannot run here. */
    public synchronized OrtEnvironment environment() {
        if (unavailable != null) {
            throw new OrtUnavailableException(unavailable.reason(), null);
        }
        if (environment == null) {
            if (telemetry == null) {
                telemetry = OrtTelemetry.disableBeforeLoad();
            }
            try {
                environment = EnvironmentStart.create(telemetry, OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "longdoc");
            } catch (OrtUnavailableException e) {
                unavailable = e;
                throw e;
            }
            OrtEnvironment started = environment;
            provider = ProviderSelection.select(providerSetting, cudaDeviceId, () -> CudaProbe.probe(started, cudaDeviceId));
        }
        return environment;
    }

    /**
     * The provider sessions run on, chosen when the environment started; {@link ExecutionProviderUnavailableException}
     * (503) when the setting requires CUDA and this node cannot run it.
     */
    public ExecutionProvider executionProvider() {
        ProviderSelection.Result selected;
        synchronized (this) {
            environment();
            selected = provider;
        }
        if (selected.usable() == false) {
            throw new ExecutionProviderUnavailableException(selected.error());
        }
        return selected.provider();
    }

    /** Whether ONNX Runtime has started, not yet, or cannot (with the reason), for {@code GET _longdoc/models}. */
    public synchronized RuntimeStatus status() {
        String telemetryState = telemetry == null ? null : telemetry.toString();
        if (unavailable != null) {
            return new RuntimeStatus(RuntimeStatus.State.UNAVAILABLE, unavailable.reason(), telemetryState, providerSetting, null);
        }
        RuntimeStatus.State state = environment == null ? RuntimeStatus.State.NOT_STARTED : RuntimeStatus.State.STARTED;
        return new RuntimeStatus(state, null, telemetryState, providerSetting, provider);
    }

    /** Opens a session on an ONNX file; the caller owns (and closes) it. */
    public OrtSession openSession(Path modelFile) throws OrtException {
        return openSession(modelFile, null);
    }

    /** Opens a session whose graph may use the fused ops of {@code ops} (null: standard ops only). */
    public OrtSession openSession(Path modelFile, OpsLibrary ops) throws OrtException {
        ExecutionProvider executionProvider = executionProvider();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (ops != null) {
                ops.registerInto(options, executionProvider);
            }
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (executionProvider == ExecutionProvider.CUDA) {
                // the probe opened a session on this device already; a failure here is a real CUDA error, reported as is
                options.addCUDA(cudaDeviceId);
            }
            return environment().createSession(modelFile.toString(), options);
        }
    }

    @Override
    public synchronized void close() {
        if (environment != null) {
            environment.close();
            environment = null;
        }
    }
}
