package io.longdoc.model;

import io.longdoc.graph.Precision;
import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.ExecutionProviderSetting;
import io.longdoc.runtime.ProviderSelection;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionPrecisionTests {

    private static final ProviderSelection.Result CUDA = new ProviderSelection.Result(ExecutionProviderSetting.AUTO, ExecutionProvider.CUDA, null, null);
    private static final ProviderSelection.Result AUTO_ON_CPU = new ProviderSelection.Result(ExecutionProviderSetting.AUTO, ExecutionProvider.CPU, "no GPU here", null);
    private static final ProviderSelection.Result CPU = new ProviderSelection.Result(ExecutionProviderSetting.CPU, ExecutionProvider.CPU, null, null);

    @Test
    void fp16RunsOnCuda() {
        assertEquals(new SessionPrecision.Choice(Precision.FP16, null), SessionPrecision.choose(Precision.FP16, CUDA));
    }

    @Test
    void fp32RunsEverywhere() {
        for (var provider : new ProviderSelection.Result[] { CUDA, AUTO_ON_CPU, CPU }) {
            assertEquals(new SessionPrecision.Choice(Precision.FP32, null), SessionPrecision.choose(Precision.FP32, provider));
        }
    }

    @Test
    void autoOnTheCpuRunsFp16SpecsInFp32WithTheReason() {
        SessionPrecision.Choice choice = SessionPrecision.choose(Precision.FP16, AUTO_ON_CPU);
        assertEquals(Precision.FP32, choice.precision());
        assertTrue(choice.fallbackReason().contains("[compile.precision] is [fp16]"), choice.fallbackReason());
        assertTrue(choice.fallbackReason().contains("longdoc.execution_provider is [auto]: no GPU here"), choice.fallbackReason());
    }

    @Test
    void anExplicitCpuNodeRefusesFp16NamingBothSettings() {
        var e = assertThrows(IllegalArgumentException.class, () -> SessionPrecision.choose(Precision.FP16, CPU));
        assertTrue(e.getMessage().contains("[compile.precision] is [fp16]") && e.getMessage().contains("longdoc.execution_provider is [cpu]"), e.getMessage());
        assertNull(SessionPrecision.choose(Precision.FP32, CPU).fallbackReason());
    }

    @Test
    void theCacheKeysVariantCarriesThePrecision() {
        assertEquals("fused", ModelLoader.variant(true, Precision.FP32), "fp32 keeps the variant, and so the cached graphs, it had");
        assertEquals("standard-fp16", ModelLoader.variant(false, Precision.FP16));
        assertEquals("fused-fp16", ModelLoader.variant(true, Precision.FP16));
    }
}
