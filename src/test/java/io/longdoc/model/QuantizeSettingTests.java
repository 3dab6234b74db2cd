package io.longdoc.model;

import io.longdoc.graph.GemmPrecision;
import io.longdoc.graph.Precision;
import io.longdoc.runtime.CpuInt8;
import io.longdoc.runtime.ExecutionProvider;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantizeSettingTests {

    private static final AutoInt8 VNNI = new AutoInt8(true, new CpuInt8(List.of("avx512_vnni", "amx_int8"), null));
    private static final AutoInt8 NO_VNNI = new AutoInt8(true, new CpuInt8(List.of(), null));
    private static final AutoInt8 VNNI_SWITCHED_OFF = new AutoInt8(false, VNNI.cpu());

    @Test
    void autoIsInt8OnlyOnACpuWithInt8InstructionsAndFp32Activations() {
        QuantizeSetting.Choice cpu = QuantizeSetting.AUTO.choose(ExecutionProvider.CPU, Precision.FP32, VNNI);
        assertEquals(GemmPrecision.INT8, cpu.gemms());
        assertTrue(cpu.reason().contains("avx512_vnni, amx_int8") && cpu.reason().contains("fp32: [longdoc.auto_int8] false on the node"), cpu.reason());

        QuantizeSetting.Choice noVnni = QuantizeSetting.AUTO.choose(ExecutionProvider.CPU, Precision.FP32, NO_VNNI);
        assertEquals(GemmPrecision.FP32, noVnni.gemms());
        assertTrue(noVnni.reason().contains("none of avx512_vnni, avx_vnni, amx_int8"), noVnni.reason());

        QuantizeSetting.Choice cuda = QuantizeSetting.AUTO.choose(ExecutionProvider.CUDA, Precision.FP32, VNNI);
        assertEquals(GemmPrecision.FP32, cuda.gemms());
        assertTrue(cuda.reason().contains("runs on cuda"), cuda.reason());

        QuantizeSetting.Choice half = QuantizeSetting.AUTO.choose(ExecutionProvider.CUDA, Precision.FP16, VNNI);
        assertEquals(GemmPrecision.FP32, half.gemms());
        assertEquals(GemmPrecision.FP32, QuantizeSetting.AUTO.choose(ExecutionProvider.CPU, Precision.FP16, VNNI).gemms());
    }

    @Test
    void longdocAutoInt8FalseKeepsFp32OnAnyCpu() {
        QuantizeSetting.Choice off = QuantizeSetting.AUTO.choose(ExecutionProvider.CPU, Precision.FP32, VNNI_SWITCHED_OFF);
        assertEquals(GemmPrecision.FP32, off.gemms());
        assertEquals("[compile.quantize] is [auto] and this node sets [longdoc.auto_int8] to [false]: fp32", off.reason());
    }

    @Test
    void noneAndInt8AreWhatTheySayWhateverTheNode() {
        for (AutoInt8 cpu : List.of(VNNI, NO_VNNI, VNNI_SWITCHED_OFF)) {
            for (ExecutionProvider provider : ExecutionProvider.values()) {
                assertEquals(new QuantizeSetting.Choice(GemmPrecision.FP32, null), QuantizeSetting.NONE.choose(provider, Precision.FP32, cpu));
                assertEquals(new QuantizeSetting.Choice(GemmPrecision.INT8, null), QuantizeSetting.INT8.choose(provider, Precision.FP32, cpu));
            }
        }
    }

    @Test
    void specValues() {
        assertEquals(QuantizeSetting.NONE, QuantizeSetting.parse(null));
        assertEquals(QuantizeSetting.NONE, QuantizeSetting.parse("none"));
        assertEquals(QuantizeSetting.INT8, QuantizeSetting.parse("int8"));
        assertEquals(QuantizeSetting.AUTO, QuantizeSetting.parse("auto"));
        var e = assertThrows(IllegalArgumentException.class, () -> QuantizeSetting.parse("AUTO"));
        assertEquals("[compile.quantize] must be one of [none, int8, auto], got [AUTO]", e.getMessage());
        assertNull(QuantizeSetting.NONE.choose(ExecutionProvider.CPU, Precision.FP32, VNNI).reason());
    }
}
