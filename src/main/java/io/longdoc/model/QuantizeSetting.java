package io.longdoc.model;

import io.longdoc.graph.GemmPrecision;
import io.longdoc.graph.Precision;
import io.longdoc.runtime.CpuInt8;
import io.longdoc.runtime.ExecutionProvider;

import java.util.List;
import java.util.Locale;

/**
 * A spec's {@code compile.quantize}: {@code none} (fp32 GEMMs, the default), {@code int8}, or {@code auto}: int8 where
 * the model runs on the CPU in fp32 and the CPU has int8 dot-product instructions ({@link CpuInt8}) — unless the node
 * says {@code longdoc.auto_int8: false} —, fp32 elsewhere: without VNNI or AMX int8 MLAS's int8 GEMM has no
 * dot-product instruction to pay for its error. (On the dev pages int8 lost 0.005 MRR@10 against fp32:
 * docs/BENCHMARKS.md.)
 */
public enum QuantizeSetting {
    NONE,
    INT8,
    AUTO;

    public static final List<String> SPEC_VALUES = List.of("none", "int8", "auto");

    /** A {@code compile.quantize} value (absent is none); an unknown one is an IllegalArgumentException naming it. */
    public static QuantizeSetting parse(Object value) {
        if (value == null) {
            return NONE;
        }
        for (QuantizeSetting setting : values()) {
            if (setting.toString().equals(value)) {
                return setting;
            }
        }
        throw new IllegalArgumentException("[compile.quantize] must be one of " + SPEC_VALUES + ", got [" + value + "]");
    }

    /**
     * The GEMMs a model runs with, and for auto why.
     *
     * @param reason null unless the setting is auto
     */
    public record Choice(GemmPrecision gemms, String reason) {}

    /** What runs on a node whose models run on {@code provider} in {@code precision}. */
    public Choice choose(ExecutionProvider provider, Precision precision, AutoInt8 node) {
        return switch (this) {
            case NONE -> new Choice(GemmPrecision.FP32, null);
            case INT8 -> new Choice(GemmPrecision.INT8, null);
            case AUTO -> auto(provider, precision, node);
        };
    }

    private static Choice auto(ExecutionProvider provider, Precision precision, AutoInt8 node) {
        String asked = "[compile.quantize] is [auto]";
        if (node.allowed() == false) {
            return new Choice(GemmPrecision.FP32, asked + " and this node sets [longdoc.auto_int8] to [false]: fp32");
        }
        CpuInt8 cpu = node.cpu();
        if (provider != ExecutionProvider.CPU) {
            return new Choice(GemmPrecision.FP32, asked + " and the model runs on " + provider + ": int8 GEMMs are for the CPU; fp32");
        }
        if (precision != Precision.FP32) {
            return new Choice(GemmPrecision.FP32, asked + " and [compile.precision] is [" + precision + "]: int8 GEMMs take fp32 activations; fp32");
        }
        if (cpu.present() == false) {
            return new Choice(GemmPrecision.FP32, asked + " and this CPU has " + cpu.describe() + ": fp32");
        }
        return new Choice(
            GemmPrecision.INT8,
            asked + " and this CPU has " + cpu.describe() + ": int8 GEMMs (fp32: [longdoc.auto_int8] false on the node, or [compile.quantize] none)"
        );
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
