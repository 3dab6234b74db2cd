package io.longdoc.runtime;

import org.elasticsearch.common.Strings;
import org.elasticsearch.rest.RestStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider selection with the real ONNX Runtime of the test classpath, the CPU build (no mock): {@code auto} runs
 * on the CPU and says why, {@code cuda} fails every session with a 503 naming the cause, {@code cpu} probes nothing.
 */
class OrtRuntimeProviderTests {

    @Test
    void theCpuBuildProbesAsCpuBuild() {
        try (OrtRuntime runtime = new OrtRuntime(1, ExecutionProviderSetting.CPU, 0)) {
            assertEquals(ProviderSelection.CudaProbeResult.cpuBuild(), CudaProbe.probe(runtime.environment(), 0));
        }
    }

    @Test
    void autoRunsOnTheCpuAndSaysWhy() {
        try (OrtRuntime runtime = new OrtRuntime(1, ExecutionProviderSetting.AUTO, 0)) {
            assertTrue(Strings.toString(runtime.status()).contains("\"execution_provider\":{\"setting\":\"auto\"}"), "nothing chosen before the start");
            assertEquals(ExecutionProvider.CPU, runtime.executionProvider());
            ProviderSelection.Result selected = runtime.status().provider();
            assertEquals(ProviderSelection.CPU_BUILD, selected.reason());
            String json = Strings.toString(runtime.status());
            assertTrue(json.contains("\"in_use\":\"cpu\"") && json.contains("\"reason\":\"this is the CPU build of longdoc"), json);
        }
    }

    @Test
    void cudaFailsEverySessionWithTheCause() {
        try (OrtRuntime runtime = new OrtRuntime(1, ExecutionProviderSetting.CUDA, 0)) {
            ExecutionProviderUnavailableException e = assertThrows(
                ExecutionProviderUnavailableException.class,
                () -> runtime.openSession(Path.of("never-read.onnx"))
            );
            assertEquals(RestStatus.SERVICE_UNAVAILABLE, e.status());
            assertEquals(
                "longdoc.execution_provider is [cuda] but " + ProviderSelection.CPU_BUILD
                    + "; set longdoc.execution_provider to [auto] or [cpu] to run models on the CPU",
                e.getMessage()
            );
            assertThrows(ExecutionProviderUnavailableException.class, runtime::executionProvider, "kept: every load fails the same");
            String json = Strings.toString(runtime.status());
            assertTrue(json.contains("\"onnxruntime\":\"started\"") && json.contains("\"in_use\":\"none\"") && json.contains("\"error\":"), json);
        }
    }

    @Test
    void cpuIsUsedAsAsked() {
        try (OrtRuntime runtime = new OrtRuntime(1, ExecutionProvider.CPU)) {
            assertEquals(ExecutionProvider.CPU, runtime.executionProvider());
            assertNull(runtime.status().provider().reason());
        }
    }
}
