package io.longdoc.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import io.longdoc.graph.Precision;
import io.longdoc.graph.SparseAttentionProbe;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which onnx-ops library a session gets for its execution provider: CUDA sessions the CUDA library, CPU sessions the
 * CPU one, and a missing CUDA library is named, not mistaken for the CPU one. Without a device: the CUDA library is
 * told from the CPU one by its float16 form of the op, which only it declares.
 */
class OpsLibraryProviderTests {

    private static final Path CPU_LIBRARY = Path.of(System.getProperty("tests.longdoc.ops.library"));

    @Test
    void cudaSessionsGetTheCudaLibrary() throws OrtException {
        Path cudaLibrary = Path.of(System.getProperty("tests.longdoc.ops.cuda.library", "onnx-ops/target/liblongdoc_ops_cuda.so"));
        assumeTrue(Files.isRegularFile(cudaLibrary), "the CUDA ops library was not built (" + cudaLibrary + "): build with -Dlongdoc.cuda=ON");
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OpsLibrary ops = new OpsLibrary(CPU_LIBRARY, cudaLibrary);
        byte[] fp16Op = SparseAttentionProbe.model(Precision.FP16);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            ops.registerInto(options, ExecutionProvider.CUDA);
            try (OrtSession session = environment.createSession(fp16Op, options)) {
                assertEquals(4, session.getNumInputs(), "the float16 op type-checks: the CUDA library was registered");
            }
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            ops.registerInto(options, ExecutionProvider.CPU);
            OrtException e = assertThrows(OrtException.class, () -> environment.createSession(fp16Op, options).close());
            assertTrue(e.getMessage().contains("tensor(float16)"), "the CPU library has no float16 op: " + e.getMessage());
        }
    }

    @Test
    void withoutTheCudaLibraryCudaIsNamedAndNothingIsRegistered() throws OrtException {
        OrtEnvironment.getEnvironment();
        OpsLibrary cpuOnly = new OpsLibrary(CPU_LIBRARY);
        assertEquals(Optional.empty(), cpuOnly.unavailableReason(ExecutionProvider.CPU));
        assertEquals(Optional.of("the onnx-ops library [liblongdoc_ops_cuda.so] is not installed"), cpuOnly.unavailableReason(ExecutionProvider.CUDA));
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> cpuOnly.registerInto(options, ExecutionProvider.CUDA));
            assertEquals("no onnx-ops library for execution provider [cuda]", e.getMessage());
        }
    }
}
