package io.longdoc.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The onnx-ops library: the fused {@code longdoc.SparseAttention} kernels. {@code liblongdoc_ops.so} has the CPU
 * kernel; {@code liblongdoc_ops_cuda.so} (GPU zip only) has both kernels and is the one registered when sessions run on
 * CUDA (both register the same domain, so a session gets one of them). It is optional — a model whose graph uses the
 * op falls back to standard ops when the library is missing or refuses to register (built for a newer ONNX Runtime API
 * than the one running: its RegisterCustomOps returns an error then, it never crashes).
 */
public final class OpsLibrary {

    public static final String FILE_NAME = "liblongdoc_ops.so";
    public static final String CUDA_FILE_NAME = "liblongdoc_ops_cuda.so";

    private final Map<ExecutionProvider, Path> files = new EnumMap<>(ExecutionProvider.class);
    private final Map<ExecutionProvider, Optional<String>> unavailableReasons = new EnumMap<>(ExecutionProvider.class); // checked once per node

    /** The CPU library only: sessions on CUDA get none (their models use standard ops). */
    public OpsLibrary(Path file) {
        this(file, null);
    }

    public OpsLibrary(Path file, Path cudaFile) {
        files.put(ExecutionProvider.CPU, file);
        if (cudaFile != null) {
            files.put(ExecutionProvider.CUDA, cudaFile);
        }
    }

    /** The copies shipped in {@code pluginDir/native/<platform>/} (the CUDA one in the GPU zip only). */
    public static OpsLibrary bundled(Path pluginDir) {
        Path nativeDir = pluginDir.resolve("native").resolve(NativeLibraries.platform());
        return new OpsLibrary(nativeDir.resolve(FILE_NAME), nativeDir.resolve(CUDA_FILE_NAME));
    }

    /** The CPU library's reason ({@link #unavailableReason(ExecutionProvider)} for the CPU). */
    public Optional<String> unavailableReason() {
        return unavailableReason(ExecutionProvider.CPU);
    }

    /**
     * Why the library for {@code provider} cannot be used, or empty when it registers with the running ONNX Runtime.
     * Registration loads the library and runs its RegisterCustomOps, which checks the runtime's API version; call after
     * the environment exists ({@link OrtRuntime#environment()}).
     */
    public synchronized Optional<String> unavailableReason(ExecutionProvider provider) {
        return unavailableReasons.computeIfAbsent(provider, this::check);
    }

    private Optional<String> check(ExecutionProvider provider) {
        String name = fileName(provider);
        Path file = files.get(provider);
        if (file == null || Files.isRegularFile(file) == false) {
            return Optional.of("the onnx-ops library [" + name + "] is not installed");
        }
        try (OrtSession.SessionOptions probe = new OrtSession.SessionOptions()) {
            probe.registerCustomOpLibrary(file.toString());
            return Optional.empty();
        } catch (OrtException | LinkageError e) {
            String message = String.valueOf(e.getMessage()).replace(file.toString(), name);
            return Optional.of("the onnx-ops library [" + name + "] did not register: " + message);
        }
    }

    void registerInto(OrtSession.SessionOptions options, ExecutionProvider provider) throws OrtException {
        Path file = files.get(provider);
        if (file == null) {
            throw new IllegalStateException("no onnx-ops library for execution provider [" + provider + "]");
        }
        options.registerCustomOpLibrary(file.toString());
    }

    private static String fileName(ExecutionProvider provider) {
        return provider == ExecutionProvider.CUDA ? CUDA_FILE_NAME : FILE_NAME;
    }
}
