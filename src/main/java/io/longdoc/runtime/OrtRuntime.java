package io.longdoc.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

import io.longdoc.graph.Precision;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The node's one ONNX Runtime environment and the options every session gets. The environment is created on first
 * use, so a node that never runs a model never loads the native library; it is created through
 * {@link EnvironmentStart}, and when that refuses or fails the reason is kept and every later use fails with it
 * (a native library that failed to initialise cannot be retried in the same JVM). The execution provider is chosen
 * right after ({@link ProviderSelection}), once per node; on CUDA the node's GPU slots and device memory budget are
 * set up with it ({@link #admission}).
 */
public final class OrtRuntime implements AutoCloseable {

    private final int intraOpThreads;
    private final ExecutionProviderSetting providerSetting;
    private final CudaSettings cuda;
    private OrtEnvironment environment;
    private OrtUnavailableException unavailable;
    private OrtTelemetry.State telemetry;
    private ProviderSelection.Result provider;
    /** On CUDA, made by the first {@link #admission}: the GPU's slots and memory budget. */
    private PassAdmission deviceAdmission;
    private DeviceMemoryLimit.Resolved deviceMemory;
    /** Per precision, why the fused op would not run on CUDA (empty: it does); checked once per node. */
    private final Map<Precision, Optional<String>> fusedOpPlacement = new EnumMap<>(Precision.class);

    public OrtRuntime(int intraOpThreads, ExecutionProviderSetting providerSetting, int cudaDeviceId) {
        this(intraOpThreads, providerSetting, CudaSettings.device(cudaDeviceId));
    }

    public OrtRuntime(int intraOpThreads, ExecutionProviderSetting providerSetting, CudaSettings cuda) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1, got: " + intraOpThreads);
        }
        this.intraOpThreads = intraOpThreads;
        this.providerSetting = providerSetting;
        this.cuda = cuda;
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
            provider = ProviderSelection.select(providerSetting, cuda.deviceId(), () -> CudaProbe.probe(started, cuda.deviceId()));
        }
        return environment;
    }

    /**
     * The provider sessions run on, chosen when the environment started; {@link ExecutionProviderUnavailableException}
     * (503) when the setting requires CUDA and this node cannot run it.
     */
    public ExecutionProvider executionProvider() {
        return providerSelection().provider();
    }

    /**
     * The selection itself (the setting, the provider in use and why {@code auto} fell back);
     * {@link ExecutionProviderUnavailableException} (503) as for {@link #executionProvider()}.
     */
    public ProviderSelection.Result providerSelection() {
        ProviderSelection.Result selected;
        synchronized (this) {
            environment();
            selected = provider;
        }
        if (selected.usable() == false) {
            throw new ExecutionProviderUnavailableException(selected.error());
        }
        return selected;
    }

    public int cudaDeviceId() {
        return cuda.deviceId();
    }

    /**
     * What a forward pass must get before it runs: on the CPU the host budget given; on CUDA the node's device slots
     * ({@code longdoc.cuda.concurrent_passes}) and device memory budget ({@code longdoc.cuda.memory_budget}, resolved
     * against the device's free memory the first time, {@code host}'s size where that cannot be read).
     */
    public PassAdmission admission(InferenceBudget host) {
        if (executionProvider() != ExecutionProvider.CUDA) {
            return PassAdmission.host(host);
        }
        synchronized (this) {
            if (deviceAdmission == null) {
                deviceMemory = cuda.memoryBudget().resolve(cuda.deviceId(), CudaMemoryInfo.freeBytes(cuda.deviceId()), host.budgetBytes());
                InferenceBudget device = new InferenceBudget(deviceMemory.bytes(), DeviceMemoryLimit.SETTING, "GPU memory");
                deviceAdmission = new PassAdmission(device, new DeviceSlots(cuda.concurrentPasses()));
            }
            return deviceAdmission;
        }
    }

    /** The setup of the node's model sessions, for the provider in use. */
    public SessionSetup sessionSetup() {
        return SessionSetup.model(executionProvider(), cuda.deviceId(), intraOpThreads);
    }

    /**
     * Why the fused op of {@code precision} would not run on this node's provider without falling back to the CPU, or
     * empty when it runs there ({@link FusedOpPlacement}; on the CPU there is nothing to check). Checked once per
     * precision.
     */
    public Optional<String> fusedOpPlacement(OpsLibrary ops, Precision precision) {
        SessionSetup setup = sessionSetup();
        if (setup.provider() == ExecutionProvider.CPU) {
            return Optional.empty();
        }
        synchronized (this) {
            return fusedOpPlacement.computeIfAbsent(precision, p -> FusedOpPlacement.check(environment(), setup, ops, p));
        }
    }

    /** Whether ONNX Runtime has started, not yet, or cannot (with the reason), for {@code GET _longdoc/models}. */
    public synchronized RuntimeStatus status() {
        String telemetryState = telemetry == null ? null : telemetry.toString();
        if (unavailable != null) {
            return new RuntimeStatus(RuntimeStatus.State.UNAVAILABLE, unavailable.reason(), telemetryState, providerSetting, null, null);
        }
        RuntimeStatus.State state = environment == null ? RuntimeStatus.State.NOT_STARTED : RuntimeStatus.State.STARTED;
        RuntimeStatus.Device device = deviceAdmission == null
            ? null
            : new RuntimeStatus.Device(cuda.deviceId(), deviceAdmission.slots().slots(), deviceAdmission.slots().inUse(), deviceAdmission.memory().budgetBytes(), deviceAdmission.memory().reservedBytes(), deviceMemory.source());
        return new RuntimeStatus(state, null, telemetryState, providerSetting, provider, device);
    }

    /** Opens a session on an ONNX file; the caller owns (and closes) it. */
    public OrtSession openSession(Path modelFile) throws OrtException {
        return openSession(modelFile, null);
    }

    /** Opens a session whose graph may use the fused ops of {@code ops} (null: standard ops only). */
    public OrtSession openSession(Path modelFile, OpsLibrary ops) throws OrtException {
        SessionSetup setup = sessionSetup();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (ops != null) {
                ops.registerInto(options, setup.provider());
            }
            // on CUDA the probe opened a session on this device already; a failure here is a real CUDA error, reported as is
            setup.applyTo(options);
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
