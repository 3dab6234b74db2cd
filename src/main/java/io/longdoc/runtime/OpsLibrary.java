package io.longdoc.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The onnx-ops library ({@code liblongdoc_ops.so}): the fused {@code longdoc.SparseAttention} kernels. It is
 * optional — a model whose graph uses the op falls back to standard ops when the library is missing or refuses to
 * register (built for a newer ONNX Runtime API than the one running: its RegisterCustomOps returns an error then,
 * it never crashes).
 */
public final class OpsLibrary {

    public static final String FILE_NAME = "liblongdoc_ops.so";

    private final Path file;
    private volatile Optional<String> unavailableReason; // checked once per node

    public OpsLibrary(Path file) {
        this.file = file;
    }

    /** The copy shipped in {@code pluginDir/native/<platform>/}. */
    public static OpsLibrary bundled(Path pluginDir) {
        return new OpsLibrary(pluginDir.resolve("native").resolve(NativeLibraries.platform()).resolve(FILE_NAME));
    }

    /**
     * Why the library cannot be used, or empty when it registers with the running ONNX Runtime. Registration loads
     * the library and runs its RegisterCustomOps, which checks the runtime's API version; call after the
     * environment exists ({@link OrtRuntime#environment()}).
     */
    public Optional<String> unavailableReason() {
        Optional<String> reason = unavailableReason;
        if (reason == null) {
            reason = check();
            unavailableReason = reason;
        }
        return reason;
    }

    private Optional<String> check() {
        if (Files.isRegularFile(file) == false) {
            return Optional.of("the onnx-ops library [" + FILE_NAME + "] is not installed");
        }
        try (OrtSession.SessionOptions probe = new OrtSession.SessionOptions()) {
            registerInto(probe);
            return Optional.empty();
        } catch (OrtException | LinkageError e) {
            String message = String.valueOf(e.getMessage()).replace(file.toString(), FILE_NAME);
            return Optional.of("the onnx-ops library [" + FILE_NAME + "] did not register: " + message);
        }
    }

    void registerInto(OrtSession.SessionOptions options) throws OrtException {
        options.registerCustomOpLibrary(file.toString());
    }
}
