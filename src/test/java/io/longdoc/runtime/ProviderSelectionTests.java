package io.longdoc.runtime;

import io.longdoc.runtime.ProviderSelection.CudaProbeResult;
import io.longdoc.runtime.ProviderSelection.Result;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every setting × GPU build × CUDA libraries × device: the provider in use, and the reason or error it reports. */
class ProviderSelectionTests {

    private static final String LIBRARIES_ERROR = "libcublasLt.so.12: cannot open shared object file: No such file or directory";
    private static final String DEVICE_ERROR = "CUDA failure 100: no CUDA-capable device is detected";

    static Stream<Arguments> combinations() {
        List<Arguments> all = new ArrayList<>();
        for (ExecutionProviderSetting setting : ExecutionProviderSetting.values()) {
            for (boolean gpuBuild : new boolean[] { false, true }) {
                for (boolean libraries : new boolean[] { false, true }) {
                    for (boolean device : new boolean[] { false, true }) {
                        all.add(Arguments.of(setting, gpuBuild, libraries, device));
                    }
                }
            }
        }
        return all.stream(); // 3 × 2 × 2 × 2 = 24
    }

    /** The probe as CudaProbe reports it: it stops at the first step that fails. */
    private static CudaProbeResult probe(boolean gpuBuild, boolean libraries, boolean device) {
        if (gpuBuild == false) {
            return CudaProbeResult.cpuBuild();
        }
        if (libraries == false) {
            return new CudaProbeResult(true, LIBRARIES_ERROR, null);
        }
        return new CudaProbeResult(true, null, device ? null : DEVICE_ERROR);
    }

    @ParameterizedTest(name = "{0}, gpu build {1}, libraries {2}, device {3}")
    @MethodSource("combinations")
    void choosesTheProviderAndSaysWhy(ExecutionProviderSetting setting, boolean gpuBuild, boolean libraries, boolean device) {
        Result result = ProviderSelection.select(setting, 1, () -> probe(gpuBuild, libraries, device));
        assertEquals(setting, result.setting());
        boolean cudaRuns = gpuBuild && libraries && device;
        String missing = gpuBuild == false ? "CPU build of longdoc" : libraries == false ? LIBRARIES_ERROR : DEVICE_ERROR;
        switch (setting) {
            case CPU -> {
                assertEquals(ExecutionProvider.CPU, result.provider());
                assertNull(result.reason(), "the CPU was asked for: nothing to explain");
                assertNull(result.error());
            }
            case AUTO -> {
                assertNull(result.error(), "auto never fails");
                if (cudaRuns) {
                    assertEquals(ExecutionProvider.CUDA, result.provider());
                    assertNull(result.reason());
                } else {
                    assertEquals(ExecutionProvider.CPU, result.provider());
                    assertTrue(result.reason().contains(missing), result.reason());
                }
            }
            case CUDA -> {
                assertNull(result.reason());
                if (cudaRuns) {
                    assertEquals(ExecutionProvider.CUDA, result.provider());
                    assertNull(result.error());
                } else {
                    assertFalse(result.usable());
                    assertNull(result.provider());
                    assertTrue(result.error().startsWith("longdoc.execution_provider is [cuda] but "), result.error());
                    assertTrue(result.error().contains(missing), result.error());
                }
            }
        }
    }

    @Test
    void theReasonNamesTheMissingPieceForTheOperator() {
        assertTrue(CudaProbeResult.cpuBuild().missing(0).contains("gpu-cuda12.zip"));
        String libraries = new CudaProbeResult(true, LIBRARIES_ERROR, null).missing(0);
        assertTrue(libraries.contains("CUDA 12") && libraries.contains("cuDNN 9") && libraries.contains(LIBRARIES_ERROR), libraries);
        String device = new CudaProbeResult(true, null, DEVICE_ERROR).missing(3);
        assertTrue(device.contains("CUDA device [3]") && device.contains("longdoc.cuda.device_id") && device.contains(DEVICE_ERROR), device);
        assertNull(new CudaProbeResult(true, null, null).missing(0));
    }

    @Test
    void cpuNeverProbesCuda() {
        AtomicInteger probes = new AtomicInteger();
        ProviderSelection.select(ExecutionProviderSetting.CPU, 0, () -> {
            probes.incrementAndGet();
            return CudaProbeResult.cpuBuild();
        });
        assertEquals(0, probes.get(), "a CPU node never loads the CUDA provider");
        ProviderSelection.select(ExecutionProviderSetting.AUTO, 0, () -> {
            probes.incrementAndGet();
            return CudaProbeResult.cpuBuild();
        });
        assertEquals(1, probes.get());
    }

    @Test
    void theSettingParsesItsThreeValuesOnly() {
        assertEquals(ExecutionProviderSetting.AUTO, ExecutionProviderSetting.parse("auto"));
        assertEquals(ExecutionProviderSetting.CUDA, ExecutionProviderSetting.parse("CUDA"));
        assertEquals(ExecutionProviderSetting.CPU, ExecutionProviderSetting.parse("cpu"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExecutionProviderSetting.parse("tensorrt"));
        assertEquals("unknown execution provider [tensorrt], expected one of [auto, cpu, cuda]", e.getMessage());
    }
}
