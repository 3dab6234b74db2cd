package io.longdoc.ops;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.OpsLibrary;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The registration contract of {@code liblongdoc_ops_cuda.so}, checked without a device: it registers into the running
 * ONNX Runtime (API 29) through {@link OpsLibrary} as the CUDA library, and a session without the CUDA provider runs
 * its CPU kernel, equal to the dense reference. Only when the build made it ({@code -Dlongdoc.cuda=ON} or
 * {@code -Plongdoc-gpu}, with nvcc); its exports are checked by the ctest {@code exports_only_register_custom_ops_cuda}.
 */
class CudaOpsLibraryTests {

    private static final String LIBRARY_PROPERTY = "tests.longdoc.ops.cuda.library";
    private static Path library;

    @BeforeAll
    static void findLibrary() {
        String configured = System.getProperty(LIBRARY_PROPERTY, "onnx-ops/target/" + OpsLibrary.CUDA_FILE_NAME);
        library = Path.of(configured).toAbsolutePath();
        assumeTrue(Files.isRegularFile(library), "the CUDA ops library was not built (" + library + "): build with -Dlongdoc.cuda=ON");
    }

    @Test
    void registersWithTheRunningRuntimeWithoutADevice() {
        OrtEnvironment.getEnvironment();
        OpsLibrary ops = new OpsLibrary(library.resolveSibling(OpsLibrary.FILE_NAME), library);
        assertEquals(Optional.empty(), ops.unavailableReason(ExecutionProvider.CUDA));
    }

    @Test
    void runsItsCpuKernelWhereNoCudaProviderIs() throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        SparseAttentionCase c = SparseAttentionCase.slidingWindow(1, 96, 2, 16, 8, null, new Random(7)).global(0, 0);
        float[] expected = c.reference();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.registerCustomOpLibrary(library.toString());
            try (OrtSession session = env.createSession(c.model(), options)) {
                Map<String, OnnxTensor> feeds = c.feeds(env);
                try (OrtSession.Result result = session.run(feeds)) {
                    FloatBuffer buffer = ((OnnxTensor) result.get(0)).getFloatBuffer();
                    float worst = 0;
                    for (float value : expected) {
                        worst = Math.max(worst, Math.abs(value - buffer.get()));
                    }
                    assertTrue(worst <= 1e-4f, "max abs diff to the dense reference: " + worst);
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        }
    }
}
