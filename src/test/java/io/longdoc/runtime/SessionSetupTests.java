package io.longdoc.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What CUDA sessions are opened with, checked without a device: the setup is data until it is applied. */
class SessionSetupTests {

    @Test
    void aCpuSessionGetsNoProviderOptions() {
        SessionSetup cpu = SessionSetup.model(ExecutionProvider.CPU, 0, 2);
        assertEquals(Map.of(), cpu.cudaOptions());
        assertEquals(Map.of(), cpu.configEntries());
        assertFalse(cpu.cpuFallbackDisabled());
    }

    @Test
    void aCudaSessionNamesItsDeviceKeepsFp32ExactAndGrowsTheArenaByWhatIsAsked() {
        SessionSetup cuda = SessionSetup.model(ExecutionProvider.CUDA, 3, 2);
        assertEquals("3", cuda.cudaOptions().get("device_id"));
        assertEquals("0", cuda.cudaOptions().get("use_tf32"), "fp32 models compute in fp32; fp16 is the spec's choice");
        assertEquals("kSameAsRequested", cuda.cudaOptions().get("arena_extend_strategy"));
        // the model session itself keeps CPU fallback: the provider leaves shape computations to the CPU on purpose
        assertFalse(cuda.cpuFallbackDisabled());
    }

    @Test
    void thePlacementCheckDisablesCpuFallbackInTheSessionOptions() throws OrtException {
        SessionSetup strict = SessionSetup.model(ExecutionProvider.CUDA, 0, 1).withoutCpuFallback();
        assertTrue(strict.cpuFallbackDisabled());
        assertEquals("1", strict.configEntries().get("session.disable_cpu_ep_fallback"));
        assertEquals(SessionSetup.model(ExecutionProvider.CUDA, 0, 1).cudaOptions(), strict.cudaOptions(), "the same provider options as the model's");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            strict.applyCommonTo(options);
            assertEquals(Map.of("session.disable_cpu_ep_fallback", "1"), options.getConfigEntries(), "what ONNX Runtime is given");
        }
    }

    @Test
    void applyingCudaOnTheCpuBuildFailsWithAnExceptionNotACrash() throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            assertThrows(OrtException.class, () -> SessionSetup.model(ExecutionProvider.CUDA, 0, 1).applyTo(options));
        }
    }
}
